using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Operations;

/// <summary>
/// <c>coffer-server --help</c> and <c>--version</c> print and exit without settings, keys or a database (help used to
/// start a server); an unknown option is refused instead of being taken for <c>serve</c>.
/// </summary>
public sealed class ServerCommandLineTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("coffer-cli-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    // No keys: help and version must not need them, nor write anything (development keys, a database) to the data folder.
    private Dictionary<string, string?> Bare => new() { ["COFFER_DATA_DIR"] = _dataDir };

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task Help_lists_the_commands_and_exits(string flag)
    {
        var run = await ServerProcess.RunAsync([flag], Bare);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Stdout}\n{run.Stderr}");
        Assert.StartsWith("Usage: coffer-server [command]", run.Stdout, StringComparison.Ordinal);
        foreach (var command in new[] { "serve", "migrate", "rotate-root-key", "backup <file>", "restore <file>", "--version" })
            Assert.Contains("  " + command, run.Stdout, StringComparison.Ordinal);
        Assert.Equal("", run.Stderr);
        Assert.Empty(Directory.GetFileSystemEntries(_dataDir));
    }

    [Fact]
    public async Task Version_prints_the_release_and_exits()
    {
        var run = await ServerProcess.RunAsync(["--version"], Bare);
        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"^coffer-server \d+\.\d+\.\d+\S*\n$", run.Stdout.Replace("\r", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_option_is_refused()
    {
        var run = await ServerProcess.RunAsync(["--verbose"], Bare);
        Assert.Equal((2, "coffer-server: unknown option '--verbose'. Try: coffer-server --help."), (run.ExitCode, run.Stderr.Trim()));
    }
}
