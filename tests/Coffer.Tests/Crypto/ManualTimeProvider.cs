namespace Coffer.Tests.Crypto;

/// <summary>A clock the test moves by hand (the test project does not reference Microsoft.Extensions.TimeProvider.Testing).</summary>
internal sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}
