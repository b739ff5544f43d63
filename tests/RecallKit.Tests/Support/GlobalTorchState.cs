namespace RecallKit.Tests.Support;

/// <summary>
/// Tests that rely on torch's global random generator (manual_seed, dropout) run alone, so that no other test draws from it
/// between their seeding and their use.
/// </summary>
[CollectionDefinition(nameof(GlobalTorchState), DisableParallelization = true)]
public sealed class GlobalTorchState;
