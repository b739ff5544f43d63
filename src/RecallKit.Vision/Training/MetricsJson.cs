namespace RecallKit.Vision.Training;
