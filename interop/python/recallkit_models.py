"""RecallKit's networks in PyTorch, for models exported with ``recallkit export --format pytorch``.

Every module here has the same state_dict keys and computes the same function as its RecallKit (TorchSharp) counterpart
in src/RecallKit.Vision/Models, so a state_dict moves between the two unchanged, in both directions:

    import recallkit_models
    model = recallkit_models.load("model.pt")          # reads model.pt.json beside it; eval mode
    logits = model(images)                              # images normalised as model.recallkit_info says

    model = recallkit_models.create("deeplabv3plus_resnet50", num_classes=19)
    torch.save(model.state_dict(), "weights.pt")        # usable as RecallKit's model.init_from

The ResNet key names follow torchvision (torchvision/models/resnet.py: conv1, bn1, layer1.0.conv1, layer1.0.downsample.0,
...), so torchvision ImageNet weights fit the trunks. torchvision itself is not needed. Works with PyTorch 1.13 and later.
"""

import json

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["ARCHITECTURES", "create", "from_info", "load", "read_info"]

FORMAT = "recallkit-pytorch/1"


def _resize(x, size):
    return F.interpolate(x, size=size, mode="bilinear", align_corners=False)


class ConvBnRelu(nn.Module):
    """k x k convolution (no bias, 'same' padding for stride 1), batch norm, ReLU."""

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, dilation=1):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=dilation * (kernel_size - 1) // 2,
                              dilation=dilation, bias=False)
        self.bn = nn.BatchNorm2d(out_channels)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class LiteSeg(nn.Module):
    """Three stride-2 stages, a dilated context block at 1/8 with image pooling, a decoder with skips at 1/4 and 1/2."""

    def __init__(self, num_classes, width=16):
        super().__init__()
        w1, w2, w3 = width, 2 * width, 4 * width
        self.stem = nn.Sequential(ConvBnRelu(3, w1, stride=2), ConvBnRelu(w1, w1))
        self.stage2 = nn.Sequential(ConvBnRelu(w1, w2, stride=2), ConvBnRelu(w2, w2))
        self.stage3 = nn.Sequential(ConvBnRelu(w2, w3, stride=2), ConvBnRelu(w3, w3))
        self.context = nn.ModuleList([ConvBnRelu(w3, w2, kernel_size=1), ConvBnRelu(w3, w2, dilation=2), ConvBnRelu(w3, w2, dilation=4)])
        self.pooled = ConvBnRelu(w3, w2, kernel_size=1)
        self.project = ConvBnRelu(4 * w2, w3, kernel_size=1)
        self.fuse4 = ConvBnRelu(w3 + w2, w2)
        self.fuse2 = ConvBnRelu(w2 + w1, w1)
        self.classifier = nn.Conv2d(w1, num_classes, 1)

    def forward(self, x):
        half = self.stem(x)
        quarter = self.stage2(half)
        eighth = self.stage3(quarter)
        branches = [b(eighth) for b in self.context]
        branches.append(self.pooled(F.adaptive_avg_pool2d(eighth, 1)).expand(-1, -1, eighth.shape[2], eighth.shape[3]))
        y = self.project(torch.cat(branches, 1))
        y = self.fuse4(torch.cat([_resize(y, quarter.shape[2:]), quarter], 1))
        y = self.fuse2(torch.cat([_resize(y, half.shape[2:]), half], 1))
        return _resize(self.classifier(y), x.shape[2:])


def _downsample(in_channels, out_channels, stride):
    return nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False), nn.BatchNorm2d(out_channels))


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride, dilation, previous_dilation, downsample):
        super().__init__()
        # As torchvision's _make_layer: the first block of a dilated layer uses the previous dilation in its first conv.
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride=stride, padding=previous_dilation, dilation=previous_dilation, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=dilation, dilation=dilation, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + identity)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride, dilation, downsample):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=stride, padding=dilation, dilation=dilation, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.downsample = downsample

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        y = F.relu(self.bn1(self.conv1(x)))
        y = F.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return F.relu(y + identity)


RESNET_LAYOUTS = {
    10: (False, [1, 1, 1, 1]),
    18: (False, [2, 2, 2, 2]),
    34: (False, [3, 4, 6, 3]),
    50: (True, [3, 4, 6, 3]),
    101: (True, [3, 4, 23, 3]),
    152: (True, [3, 8, 36, 3]),
}


class ResNetBackbone(nn.Module):
    """A torchvision ResNet without pooling and fc; output stride 16 dilates layer4, 8 layers 3 and 4 (basic blocks too).
    Returns the layer1 and layer4 features."""

    def __init__(self, depth, output_stride=16, in_channels=3):
        super().__init__()
        if output_stride not in (8, 16, 32):
            raise ValueError("output_stride must be 8, 16 or 32, got %r" % (output_stride,))
        self.bottleneck, blocks = RESNET_LAYOUTS[depth]
        self._inplanes = 64
        self._dilation = 1
        self.conv1 = nn.Conv2d(in_channels, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        self.layer1 = self._layer(64, blocks[0], 1, False)
        self.layer2 = self._layer(128, blocks[1], 2, False)
        self.layer3 = self._layer(256, blocks[2], 2, output_stride == 8)
        self.layer4 = self._layer(512, blocks[3], 2, output_stride <= 16)

    @property
    def low_channels(self):
        return 256 if self.bottleneck else 64

    @property
    def high_channels(self):
        return 2048 if self.bottleneck else 512

    def _layer(self, planes, count, stride, dilate):
        previous = self._dilation
        if dilate:
            self._dilation *= stride
            stride = 1
        expansion = 4 if self.bottleneck else 1
        downsample = None
        if stride != 1 or self._inplanes != planes * expansion:
            downsample = _downsample(self._inplanes, planes * expansion, stride)
        if self.bottleneck:
            layers = [Bottleneck(self._inplanes, planes, stride, previous, downsample)]
        else:
            layers = [BasicBlock(self._inplanes, planes, stride, self._dilation, previous, downsample)]
        self._inplanes = planes * expansion
        for _ in range(1, count):
            if self.bottleneck:
                layers.append(Bottleneck(self._inplanes, planes, 1, self._dilation, None))
            else:
                layers.append(BasicBlock(self._inplanes, planes, 1, self._dilation, self._dilation, None))
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(F.relu(self.bn1(self.conv1(x))))
        low = self.layer1(x)
        return low, self.layer4(self.layer3(self.layer2(low)))


class DeepLabV3Plus(nn.Module):
    """DeepLabV3+ on a dilated ResNet: ASPP (256 channels, image pooling, dropout 0.1), decoder with 48-channel low-level
    features, two 3x3 convolutions, 1x1 classifier, logits bilinearly upsampled to the input size."""

    def __init__(self, num_classes, depth, output_stride=16):
        super().__init__()
        if output_stride not in (8, 16):
            raise ValueError("output_stride must be 8 or 16, got %r" % (output_stride,))
        self.backbone = ResNetBackbone(depth, output_stride)
        rates = [6, 12, 18] if output_stride == 16 else [12, 24, 36]
        high = self.backbone.high_channels
        self.aspp = nn.ModuleList([ConvBnRelu(high, 256, kernel_size=1)] + [ConvBnRelu(high, 256, dilation=r) for r in rates])
        self.aspp_pool = ConvBnRelu(high, 256, kernel_size=1)
        self.aspp_project = ConvBnRelu(5 * 256, 256, kernel_size=1)
        self.aspp_dropout = nn.Dropout(0.1)
        self.reduce_low = ConvBnRelu(self.backbone.low_channels, 48, kernel_size=1)
        self.decoder = nn.Sequential(ConvBnRelu(256 + 48, 256), ConvBnRelu(256, 256))
        self.classifier = nn.Conv2d(256, num_classes, 1)

    def forward(self, x):
        low, high = self.backbone(x)
        branches = [b(high) for b in self.aspp]
        branches.append(_resize(self.aspp_pool(F.adaptive_avg_pool2d(high, 1)), high.shape[2:]))
        context = self.aspp_dropout(self.aspp_project(torch.cat(branches, 1)))
        up = _resize(context, low.shape[2:])
        logits = self.classifier(self.decoder(torch.cat([up, self.reduce_low(low)], 1)))
        return _resize(logits, x.shape[2:])


class SmallCnn(nn.Module):
    """Four conv-BN-ReLU blocks (32, 64, 128, 128 channels; 2x2 max-pooling after the first two), global average pooling."""

    feature_dim = 128

    def __init__(self, in_channels=1):
        super().__init__()
        self.features = nn.Sequential(ConvBnRelu(in_channels, 32), nn.MaxPool2d(2), ConvBnRelu(32, 64), nn.MaxPool2d(2),
                                      ConvBnRelu(64, 128), ConvBnRelu(128, 128))

    def forward(self, x):
        return self.features(x).mean([2, 3])


class CifarResNet(nn.Module):
    """The CIFAR ResNet of He et al. (ResNet-32: n = 5) with 1x1 projection shortcuts, global average pooling."""

    feature_dim = 64

    def __init__(self, blocks_per_stage=5, in_channels=3):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.layer1 = self._stage(16, 16, blocks_per_stage, 1)
        self.layer2 = self._stage(16, 32, blocks_per_stage, 2)
        self.layer3 = self._stage(32, 64, blocks_per_stage, 2)

    @staticmethod
    def _stage(inplanes, planes, count, stride):
        downsample = _downsample(inplanes, planes, stride) if stride != 1 or inplanes != planes else None
        blocks = [BasicBlock(inplanes, planes, stride, 1, 1, downsample)]
        blocks += [BasicBlock(planes, planes, 1, 1, 1, None) for _ in range(1, count)]
        return nn.Sequential(*blocks)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        return self.layer3(self.layer2(self.layer1(x))).mean([2, 3])


class ResNetFeatures(nn.Module):
    """A torchvision ResNet without fc (output stride 32), global average pooling."""

    def __init__(self, depth, in_channels=3):
        super().__init__()
        self.trunk = ResNetBackbone(depth, output_stride=32, in_channels=in_channels)
        self.feature_dim = self.trunk.high_channels

    def forward(self, x):
        return self.trunk(x)[1].mean([2, 3])


class ClassificationNetwork(nn.Module):
    """Features f, inference head h (``fc``) whose logits are scaled per class by ``scales``; ``fc_g`` is the Simple
    Decoupled Network's training head g (not used for inference; an exported model does not have it)."""

    def __init__(self, backbone, num_classes, decoupled=False, cosine=False):
        super().__init__()
        self.backbone = backbone
        self.fc = nn.Linear(backbone.feature_dim, num_classes)
        if decoupled:
            self.fc_g = nn.Linear(backbone.feature_dim, num_classes)
        self.scales = nn.Parameter(torch.ones(num_classes), requires_grad=False)
        self.cosine = cosine

    def forward(self, x):
        features = self.backbone(x)
        if self.cosine:
            logits = F.linear(F.normalize(features, dim=1), F.normalize(self.fc.weight, dim=1))
        else:
            logits = self.fc(features)
        return logits * self.scales


def _deeplab(depth):
    return lambda num_classes, in_channels=3, output_stride=16, **_: DeepLabV3Plus(num_classes, depth, output_stride or 16)


def _classifier(make_backbone):
    def build(num_classes, in_channels=3, head="linear", classifier="linear", **_):
        return ClassificationNetwork(make_backbone(in_channels), num_classes, decoupled=head == "sdn", cosine=classifier == "cosine")
    return build


# Config names of RecallKit's model.architecture.
ARCHITECTURES = {
    "lite_seg": lambda num_classes, **_: LiteSeg(num_classes),
    "deeplabv3plus_resnet18": _deeplab(18),
    "deeplabv3plus_resnet34": _deeplab(34),
    "deeplabv3plus_resnet50": _deeplab(50),
    "deeplabv3plus_resnet101": _deeplab(101),
    "small_cnn": _classifier(lambda c: SmallCnn(c)),
    "resnet32_cifar": _classifier(lambda c: CifarResNet(5, c)),
    "resnet10": _classifier(lambda c: ResNetFeatures(10, c)),
    "resnet18": _classifier(lambda c: ResNetFeatures(18, c)),
    "resnet50": _classifier(lambda c: ResNetFeatures(50, c)),
    "resnet152": _classifier(lambda c: ResNetFeatures(152, c)),
}


def create(architecture, num_classes, in_channels=3, output_stride=16, head="linear", classifier="linear"):
    """A new network, randomly initialised. ``in_channels`` applies to classifiers (1 for Fashion-MNIST), ``output_stride``
    to DeepLabV3+, ``head`` ("linear" or "sdn") and ``classifier`` ("linear" or "cosine") to classifiers."""
    if architecture not in ARCHITECTURES:
        raise ValueError("unknown architecture %r; expected one of %s" % (architecture, ", ".join(ARCHITECTURES)))
    return ARCHITECTURES[architecture](num_classes, in_channels=in_channels, output_stride=output_stride, head=head, classifier=classifier)


def read_info(path):
    """The description ``recallkit export --format pytorch`` writes beside the weights (``path + ".json"``)."""
    with open(path + ".json", encoding="utf-8") as f:
        info = json.load(f)
    if info.get("format") != FORMAT:
        raise ValueError("%s.json: not a RecallKit model description (expected \"format\": \"%s\")" % (path, FORMAT))
    return info


def from_info(info):
    """A new network as described by ``info`` (see read_info)."""
    return create(info["architecture"], info["num_classes"], in_channels=info.get("in_channels", 3),
                  output_stride=info.get("output_stride") or 16, head=info.get("head", "linear"), classifier=info.get("classifier", "linear"))


def load(path, map_location="cpu"):
    """The exported network at ``path`` with its weights, in eval mode; ``model.recallkit_info`` holds the description
    (classes, input normalisation: (pixel / 255 - input_mean) / input_std)."""
    info = read_info(path)
    model = from_info(info)
    model.load_state_dict(torch.load(path, map_location=map_location))
    model.eval()
    model.recallkit_info = info
    return model
