namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>Tests that read process-wide instruments run alone, so no other test's traffic is counted.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial";
}
