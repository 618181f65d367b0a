using System.Net;
using System.Net.Sockets;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Operations;

/// <summary>A port someone else holds stops the start with one line that names the fix, not a stack trace and a core dump.</summary>
public sealed class PortInUseTests
{
    [Fact]
    public async Task A_port_in_use_stops_the_start_with_a_clear_message()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var dataDir = Directory.CreateTempSubdirectory("coffer-port-").FullName;
        try
        {
            var env = ServerProcess.SharedEnvironment(databaseUri: null, dataDir);
            env["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);

            var (exitCode, stdout, stderr) = await ServerProcess.RunAsync([], env);

            Assert.True(exitCode == 1, $"exit {exitCode}: {stdout}\n{stderr}");
            Assert.Contains(
                $"coffer-server: cannot listen on 127.0.0.1:{port}: another process is using that port. Stop it, or set PORT to a free one.",
                stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", stdout + stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
