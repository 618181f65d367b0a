using System.Diagnostics;
using System.Globalization;
using System.Text;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Operations;

/// <summary>
/// Issue 5.5: PostgreSQL stopped for 10 s under a light request loop, then started again. Every request gets its
/// normal answer or the 503 envelope within 5 s, and requests succeed again within 5 s of the restart, without
/// restarting Coffer. Runs on a PostgreSQL server of its own, so the shared one keeps serving the other tests.
/// </summary>
public sealed class DatabaseOutageTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);

    private sealed record Sample(string Kind, TimeSpan Started, TimeSpan Took, ApiResponse Response);

    /// <summary>What every test here starts from: a PostgreSQL of its own, a server on it, and an identity that can log in.</summary>
    private sealed class Rig(ThrowAwayPostgres postgres, TestServer server, Given given, string clientId, string clientSecret) : IAsyncDisposable
    {
        public ThrowAwayPostgres Postgres => postgres;

        public static async Task<Rig> StartAsync()
        {
            RequiresPostgres.Check();
            if (!ThrowAwayPostgres.ServerBinariesInstalled) Assert.Skip("needs the PostgreSQL server binaries under /usr/lib/postgresql/*/bin");
            var postgres = await ThrowAwayPostgres.StartAsync();
            TestServer? server = null;
            try
            {
                server = await TestServer.StartAsync(postgresAdmin: postgres.AdminConnectionString);
                var given = await Given.BootstrapAsync(server);
                var (clientId, secret) = await given.UniversalAuthAsync(await given.IdentityAsync());
                return new Rig(postgres, server, given, clientId, secret);
            }
            catch
            {
                if (server is not null) await server.DisposeAsync();
                await postgres.DisposeAsync();
                throw;
            }
        }

        /// <summary>A read: token check and a query.</summary>
        public Task<ApiResponse> ReadAsync() => given.Api.GetAsync($"/api/v1/identities?orgId={given.OrgId}", given.AdminToken);

        /// <summary>The readiness check a load balancer polls.</summary>
        public Task<ApiResponse> ReadyAsync() => given.Api.GetAsync("/api/ready");

        /// <summary>A write: a universal-auth login.</summary>
        public Task<ApiResponse> LoginAsync() => given.Api.PostAsync("/api/v1/auth/universal-auth/login", new { clientId, clientSecret });

        public async ValueTask DisposeAsync()
        {
            await server.DisposeAsync();
            await postgres.DisposeAsync();
        }
    }

    [Fact]
    public async Task Requests_fail_fast_with_503_during_a_restart_and_succeed_again_after_it()
    {
        await using var rig = await Rig.StartAsync();

        // The loop: one request every 100 ms, alternating a read (token check + query) and a write (a login).
        var clock = Stopwatch.StartNew();
        var samples = new List<Sample>();
        using var stop = new CancellationTokenSource();
        var loop = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var kind = i % 2 == 0 ? "read" : "login";
                var started = clock.Elapsed;
                var r = kind == "read" ? await rig.ReadAsync() : await rig.LoginAsync();
                lock (samples) samples.Add(new Sample(kind, started, clock.Elapsed - started, r));
                await Task.Delay(100, CancellationToken.None);
            }
        }, TestContext.Current.CancellationToken);

        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        var stopping = clock.Elapsed;
        await rig.Postgres.StopAsync();
        var down = clock.Elapsed;
        await Task.Delay(Outage, TestContext.Current.CancellationToken);
        var starting = clock.Elapsed;
        await rig.Postgres.StartAgainAsync();
        var up = clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(8), TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await loop;

        List<Sample> all;
        lock (samples) all = [.. samples];
        var report = Report(all, stopping, down, starting, up);
        TestContext.Current.SendDiagnosticMessage(report);
        TestContext.Current.AddAttachment("outage-timeline", report);

        // Every request: its normal answer or the 503 envelope, never slower than 5 s.
        foreach (var s in all)
        {
            Assert.True(s.Took < Bound, $"a {s.Kind} at {Secs(s.Started)} took {Secs(s.Took)}\n{report}");
            if (s.Response.Code != 200)
                Expect.Error(s.Response, 503, "DatabaseUnavailable", "The database is unavailable. Please try again shortly.");
        }

        // The outage was real: everything that ran entirely while the server was down got the 503.
        var duringOutage = all.Where(s => s.Started >= down && s.Started + s.Took <= starting).ToList();
        Assert.True(duringOutage.Count >= 20, $"only {duringOutage.Count} requests during the outage\n{report}");
        Assert.All(duringOutage, s => Assert.Equal(503, s.Response.Code));

        // Recovery without a restart of Coffer: a success within 5 s of PostgreSQL accepting connections again,
        // and nothing but successes from then on.
        var firstSuccess = all.FirstOrDefault(s => s.Started >= up && s.Response.Code == 200);
        Assert.True(firstSuccess is not null && firstSuccess.Started + firstSuccess.Took - up < Bound, $"no success within 5 s of the restart\n{report}");
        Assert.All(all.Where(s => s.Started >= up + Bound), s => Assert.Equal(200, s.Response.Code));
        Assert.All(all.Where(s => s.Started + s.Took <= stopping), s => Assert.Equal(200, s.Response.Code));
    }

    [Fact]
    public async Task Readiness_fails_while_the_database_is_down_and_recovers_on_its_own()
    {
        await using var rig = await Rig.StartAsync();
        Expect.Ok(await rig.ReadyAsync());
        await rig.Postgres.StopAsync();
        var down = await rig.ReadyAsync();
        Assert.Equal(503, down.Code);
        Assert.Equal("""{"ready":false,"reason":"the database cannot be reached"}""", down.RawBody);
        await rig.Postgres.StartAgainAsync();
        // No fixed wait: poll until ready, with a deadline far beyond any reconnect, so a loaded machine cannot fail it.
        var deadline = Stopwatch.StartNew();
        ApiResponse again;
        do again = await rig.ReadyAsync();
        while (again.Code != 200 && deadline.Elapsed < TimeSpan.FromSeconds(60));
        Expect.Ok(again);
    }

    [Fact]
    public async Task A_restart_while_nothing_runs_costs_no_request()
    {
        await using var rig = await Rig.StartAsync();

        // Fill the pool with idle connections, then restart PostgreSQL under them while no request runs.
        var warm = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => i % 2 == 0 ? rig.ReadAsync() : rig.LoginAsync()));
        Assert.All(warm, Expect.Ok);
        await rig.Postgres.StopAsync();
        await rig.Postgres.StartAgainAsync();
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);

        // Every pooled connection is dead now; none of that may reach a client.
        for (var i = 0; i < 6; i++)
        {
            Expect.Ok(await rig.LoginAsync());
            Expect.Ok(await rig.ReadAsync());
        }
    }

    [Fact]
    public async Task A_server_that_stops_answering_mid_connection_gets_503_within_5_seconds()
    {
        await using var rig = await Rig.StartAsync();
        Assert.All(await Task.WhenAll(Enumerable.Range(0, 8).Select(i => i % 2 == 0 ? rig.ReadAsync() : rig.LoginAsync())), Expect.Ok);

        // Frozen, PostgreSQL neither closes the pooled connections nor answers on them (a hung host, a network
        // that drops packets): only Coffer's own timeouts end the wait.
        await rig.Postgres.FreezeAsync();
        var took = new List<TimeSpan>();
        try
        {
            foreach (var attempt in new Func<Task<ApiResponse>>[] { rig.ReadAsync, rig.LoginAsync, rig.ReadAsync })
            {
                var clock = Stopwatch.StartNew();
                var r = await attempt();
                took.Add(clock.Elapsed);
                Expect.Error(r, 503, "DatabaseUnavailable", "The database is unavailable. Please try again shortly.");
                Assert.True(clock.Elapsed < Bound, $"the 503 took {Secs(clock.Elapsed)}");
            }
        }
        finally
        {
            await rig.Postgres.ThawAsync();
        }

        var thawed = Stopwatch.StartNew();
        ApiResponse? ok = null;
        while (thawed.Elapsed < Bound && ok is null)
        {
            var r = await rig.ReadAsync();
            if (r.Code == 200) ok = r;
        }
        var summary = $"frozen server: 503s after {string.Join(", ", took.Select(Secs))}; first success {Secs(thawed.Elapsed)} after thawing";
        TestContext.Current.SendDiagnosticMessage(summary);
        TestContext.Current.AddAttachment("frozen-server", summary);
        Assert.True(ok is not null, "no success within 5 s of the server answering again");
        Expect.Ok(await rig.LoginAsync());
    }

    private static string Report(List<Sample> all, TimeSpan stopping, TimeSpan down, TimeSpan starting, TimeSpan up)
    {
        var during = all.Where(s => s.Started >= stopping && s.Started < up).ToList();
        var after = all.Where(s => s.Started >= up).ToList();
        var firstSuccess = after.FirstOrDefault(s => s.Response.Code == 200);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"outage test: {all.Count} requests, {all.Count(s => s.Response.Code == 200)} × 200, {all.Count(s => s.Response.Code == 503)} × 503, other {all.Count(s => s.Response.Code is not (200 or 503))}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  pg_ctl stop {Secs(stopping)} → down {Secs(down)}; pg_ctl start {Secs(starting)} → accepting {Secs(up)} (outage {Secs(starting - down)})");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  slowest request overall {Secs(all.Max(s => s.Took))}; while down {Secs(during.Count > 0 ? during.Max(s => s.Took) : TimeSpan.Zero)} over {during.Count} requests ({during.Count(s => s.Response.Code == 503)} × 503)");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  after the restart: first success {(firstSuccess is null ? "none" : Secs(firstSuccess.Started + firstSuccess.Took - up))} after PostgreSQL accepted connections; {after.Count(s => s.Response.Code == 503)} × 503 after it");
        foreach (var s in all.Where(s => s.Started >= stopping - TimeSpan.FromSeconds(0.5) && s.Started < up + TimeSpan.FromSeconds(1)))
            sb.AppendLine(CultureInfo.InvariantCulture, $"    {Secs(s.Started),7} {s.Kind,-5} {s.Response.Code} in {Secs(s.Took)}");
        return sb.ToString();
    }

    private static string Secs(TimeSpan t) => t.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture) + " s";
}
