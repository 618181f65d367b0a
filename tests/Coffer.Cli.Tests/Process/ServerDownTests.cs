using System.Net;
using System.Net.Sockets;

namespace Coffer.Cli.Tests.Process;

public sealed class ServerDownTests
{
    [Fact]
    public async Task A_dead_server_fails_clearly_within_the_sdk_retry_budget()
    {
        using var sandbox = new CliSandbox();
        // A port nobody listens on: bind one, note it, close it.
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var run = await sandbox.RunAsync(
            ["export", "--domain", $"http://127.0.0.1:{port}", "--projectId", "p"],
            new Dictionary<string, string> { ["INFISICAL_TOKEN"] = "t" },
            TimeSpan.FromSeconds(60));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Contains($"could not reach the server at http://127.0.0.1:{port} (connection refused); gave up after 5 attempts", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        // 1+2+4+8 s of backoff (±20 %) plus process start-up.
        Assert.InRange(run.Elapsed, TimeSpan.FromSeconds(11), TimeSpan.FromSeconds(30));
    }
}
