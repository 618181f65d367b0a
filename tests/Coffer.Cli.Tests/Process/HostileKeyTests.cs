using Coffer.Cli.Tests.Formats;

namespace Coffer.Cli.Tests.Process;

/// <summary>
/// Issue 29, item 10: the CLI does not trust the server's names. A fake server serves keys that are shell code or no
/// identifier at all; dotenv, dotenv-export and <c>run</c> leave them out with a warning naming each, values stay
/// quoted, and sourcing the output runs nothing.
/// </summary>
public sealed class HostileKeyTests : IAsyncLifetime
{
    FakeInfisicalServer _server = null!;
    readonly CliSandbox _sandbox = new();
    readonly string _marker = Path.Combine(Path.GetTempPath(), $"coffer-pwned-{Guid.NewGuid():N}");

    // Not hexadecimal, so it cannot occur in the marker's GUID inside GOOD_KEY's value ("bad" could, now and then).
    const string HostileValue = "hostile-value";

    string[] HostileKeys => [$"X=1; touch {_marker}; Y", "WITH SPACE", "1STARTS_WITH_DIGIT", "dash-ed", $"$(touch {_marker})"];

    public async ValueTask InitializeAsync()
    {
        _server = await FakeInfisicalServer.StartAsync();
        _server.SetSecret("dev", "/", "GOOD_KEY", $"$(touch {_marker}) `touch {_marker}` ' \" \\");
        foreach (var key in HostileKeys) _server.SetSecret("dev", "/", key, HostileValue);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _sandbox.Dispose();
        File.Delete(_marker);
    }

    string[] Common(params string[] extra) => [.. extra, "--domain", _server.Url, "--projectId", FakeInfisicalServer.ProjectId, "--env", "dev"];

    static Dictionary<string, string> WithToken => new() { ["INFISICAL_TOKEN"] = FakeInfisicalServer.StaticToken };

    [Theory]
    [InlineData("dotenv")]
    [InlineData("dotenv-export")]
    public async Task Keys_that_are_not_identifiers_are_left_out_with_a_warning_and_sourcing_runs_nothing(string format)
    {
        var run = await _sandbox.RunAsync(["export", .. Common("--format", format)], WithToken);

        Assert.Equal(0, run.ExitCode);
        foreach (var key in HostileKeys)
        {
            Assert.DoesNotContain(run.Stdout.Split('\n'), line => line.StartsWith(key + "=", StringComparison.Ordinal)
                || line.StartsWith("export " + key + "=", StringComparison.Ordinal));
            Assert.Contains($"warning: secret named [{key}] has been left out because it is not a valid environment variable name", run.Stderr,
                StringComparison.Ordinal);
        }
        var sourced = await FormatParsers.ParseAsync(format, run.Stdout);
        Assert.Equal(new Dictionary<string, string> { ["GOOD_KEY"] = $"$(touch {_marker}) `touch {_marker}` ' \" \\" }, sourced);
        Assert.False(File.Exists(_marker), "sourcing the export ran a command");
    }

    [Fact]
    public async Task Run_leaves_such_keys_out_of_the_childs_environment()
    {
        var run = await _sandbox.RunAsync(["run", .. Common(), "--", "sh", "-c", $"env -0 | tr '\\0' '\\n' | grep -c {HostileValue}; printf '%s' \"$GOOD_KEY\""], WithToken);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("0\n", run.Stdout, StringComparison.Ordinal);
        Assert.EndsWith($"$(touch {_marker}) `touch {_marker}` ' \" \\", run.Stdout, StringComparison.Ordinal);
        foreach (var key in HostileKeys)
            Assert.Contains($"secret named [{key}] has been left out because it is not a valid environment variable name", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_marker), "running the child ran a command from a secret");
    }
}
