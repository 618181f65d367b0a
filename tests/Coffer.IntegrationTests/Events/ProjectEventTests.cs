using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;
using Coffer.IntegrationTests.Secrets;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.Events;

/// <summary>Heartbeats every second here, so the tests need not wait the default fifteen.</summary>
public sealed class FastHeartbeatFixture : ServerFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["EVENTS_HEARTBEAT_SECONDS"] = "1" };
}

/// <summary>
/// <c>POST /api/v1/events/subscribe/project-events</c> as the Kubernetes operator calls it: the four secret events of
/// one environment under a path glob, as server-sent events. Assertions rest on order (events arrive in the order their
/// writes committed), never on how fast: a write the subscriber must not see is made first, then one it must, and the
/// first thing it receives must be the second.
/// </summary>
public sealed class ProjectEventTests(FastHeartbeatFixture fx) : IClassFixture<FastHeartbeatFixture>
{
    private Api Api => fx.Api;

    private static object Subscription(string projectId, string environment, string secretPath) => new
    {
        projectId,
        register = new[] { "secret:create", "secret:update", "secret:delete", "secret:import-mutation" }
            .Select(e => new { @event = e, conditions = new { environmentSlug = environment, secretPath } }).ToArray(),
    };

    private async Task<EventStream> SubscribeAsync(string token, object body)
    {
        var (stream, refusal) = await EventStream.OpenAsync(Api.Http, token, body);
        Assert.True(stream is not null, refusal?.ToString());
        return stream!;
    }

    private static JsonObject Data(SseEvent? e)
    {
        Assert.NotNull(e);
        Assert.Equal("secret-manager", e.Event);
        var message = e.Json!.AsObject();
        Expect.Keys(message, "datacontenttype", "type", "source", "time", "data");
        Assert.Equal(e.Id, message["time"]!.GetValue<string>());
        return message["data"]!.AsObject();
    }

    [Fact]
    public async Task A_subscriber_hears_each_write_in_its_environment_and_path_in_order()
    {
        var projectId = await fx.Given.ProjectAsync();
        var (_, token) = await fx.Given.ProjectMemberAsync(projectId, "member");
        await using var stream = await SubscribeAsync(token, Subscription(projectId, "dev", "/**"));
        Assert.Equal("text/event-stream", stream.ContentType);

        await SecretKeys.CreateAsync(Api, fx.AdminToken, projectId, "ELSEWHERE", "x", environment: "prod");
        var created = await Api.PostAsync("/api/v3/secrets/raw/DB_URL", new { workspaceId = projectId, environment = "dev", secretValue = "postgres://" }, fx.AdminToken);
        Expect.Ok(created);
        var first = Data(await stream.NextAsync());
        Assert.True(JsonNode.DeepEquals(new JsonObject
        {
            ["specversion"] = 1,
            ["event"] = "secret:create",
            ["payload"] = new JsonObject
            {
                ["secretId"] = created.Json["secret"]!["id"]!.GetValue<string>(),
                ["secretPath"] = "/",
                ["secretKey"] = "DB_URL",
                ["environment"] = "dev",
            },
        }, first), first.ToJsonString());
        Assert.DoesNotContain("postgres://", first.ToJsonString());

        Expect.Ok(await Api.PatchAsync("/api/v3/secrets/raw/DB_URL", new { workspaceId = projectId, environment = "dev", secretValue = "mysql://" }, fx.AdminToken));
        Assert.Equal("secret:update", Data(await stream.NextAsync())["event"]!.GetValue<string>());
        Expect.Ok(await Api.DeleteAsync("/api/v3/secrets/raw/DB_URL", fx.AdminToken, new { workspaceId = projectId, environment = "dev" }));
        Assert.Equal("secret:delete", Data(await stream.NextAsync())["event"]!.GetValue<string>());
        Expect.Ok(await Api.PostAsync("/api/v2/secret-imports",
            new { projectId, environment = "dev", path = "/", import = new { environment = "prod", path = "/" } }, fx.AdminToken));
        var import = Data(await stream.NextAsync());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"specversion":1,"event":"secret:import-mutation","payload":{"secretPath":"/","environment":"dev"}}"""),
            import), import.ToJsonString());
        // A batch is one event per secret.
        Expect.Ok(await Api.PostAsync("/api/v3/secrets/batch/raw", new
        {
            workspaceId = projectId,
            environment = "dev",
            secrets = new[] { new { secretKey = "A", secretValue = "1" }, new { secretKey = "B", secretValue = "2" } },
        }, fx.AdminToken));
        Assert.Equal("A", Data(await stream.NextAsync())["payload"]!["secretKey"]!.GetValue<string>());
        Assert.Equal("B", Data(await stream.NextAsync())["payload"]!["secretKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_batch_larger_than_one_notification_reaches_subscribers_whole_and_in_order()
    {
        var projectId = await fx.Given.ProjectAsync();
        var (_, token) = await fx.Given.ProjectMemberAsync(projectId, "member");
        await using var stream = await SubscribeAsync(token, Subscription(projectId, "dev", "/**"));
        // 150 events of ~250 bytes: several PostgreSQL notifications (each under 8000 bytes) on that engine.
        var names = Enumerable.Range(0, 150).Select(i => $"KEY_{i:D3}_{new string('X', 120)}").ToArray();
        Expect.Ok(await Api.PostAsync("/api/v3/secrets/batch/raw", new
        {
            workspaceId = projectId,
            environment = "dev",
            secrets = names.Select(n => new { secretKey = n, secretValue = "v" }).ToArray(),
        }, fx.AdminToken));
        var seen = new List<string>();
        foreach (var _ in names) seen.Add(Data(await stream.NextAsync())["payload"]!["secretKey"]!.GetValue<string>());
        Assert.Equal(names, seen);
    }

    [Fact]
    public async Task A_move_is_a_create_where_it_lands_and_a_delete_where_it_left()
    {
        var projectId = await fx.Given.ProjectAsync();
        var (_, token) = await fx.Given.ProjectMemberAsync(projectId, "member");
        await using var stream = await SubscribeAsync(token, Subscription(projectId, "dev", "/**"));
        // Created after subscribing, and its event read: on PostgreSQL, events travel by NOTIFY, so one committed just
        // before the subscription could still arrive after it and be taken for the move's.
        var created = await SecretKeys.CreateAsync(Api, fx.AdminToken, projectId, "MOVING", "x");
        var made = Data(await stream.NextAsync());
        Assert.Equal(["secret:create", "/", "MOVING"],
            new[] { made["event"], made["payload"]!["secretPath"], made["payload"]!["secretKey"] }.Select(n => n!.GetValue<string>()));
        Expect.Ok(await Api.PostAsync("/api/v1/folders", new { workspaceId = projectId, environment = "dev", name = "archive", path = "/" }, fx.AdminToken));
        Expect.Ok(await Api.PostAsync("/api/v4/secrets/move", new
        {
            projectId,
            sourceEnvironment = "dev",
            sourceSecretPath = "/",
            destinationEnvironment = "dev",
            destinationSecretPath = "/archive",
            secretIds = new[] { created["id"]!.GetValue<string>() },
            shouldOverwrite = false,
        }, fx.AdminToken));
        var landed = Data(await stream.NextAsync());
        Assert.Equal(["secret:create", "/archive", "MOVING"],
            new[] { landed["event"], landed["payload"]!["secretPath"], landed["payload"]!["secretKey"] }.Select(n => n!.GetValue<string>()));
        var left = Data(await stream.NextAsync());
        Assert.Equal(["secret:delete", "/", "MOVING"],
            new[] { left["event"], left["payload"]!["secretPath"], left["payload"]!["secretKey"] }.Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task A_change_in_an_imported_folder_reaches_the_subscribers_of_the_folders_importing_it()
    {
        var projectId = await fx.Given.ProjectAsync();
        var (_, token) = await fx.Given.ProjectMemberAsync(projectId, "member");
        Expect.Ok(await Api.PostAsync("/api/v2/secret-imports",
            new { projectId, environment = "dev", path = "/", import = new { environment = "prod", path = "/" } }, fx.AdminToken));
        // Watching dev:/ only: prod's own events do not match, the import mutation of dev:/ does.
        await using var stream = await SubscribeAsync(token, Subscription(projectId, "dev", "/"));
        await SecretKeys.CreateAsync(Api, fx.AdminToken, projectId, "SHARED_WITH_DEV", "x", environment: "prod");
        var mutation = Data(await stream.NextAsync());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"specversion":1,"event":"secret:import-mutation","payload":{"secretPath":"/","environment":"dev"}}"""),
            mutation), mutation.ToJsonString());
    }

    [Fact]
    public async Task Heartbeats_keep_the_stream_alive_and_a_removed_member_is_told_and_cut_off()
    {
        var projectId = await fx.Given.ProjectAsync();
        var (identityId, token) = await fx.Given.ProjectMemberAsync(projectId, "member");
        await using var stream = await SubscribeAsync(token, Subscription(projectId, "dev", "/"));
        var ping = await stream.NextAsync(skipPings: false);
        Assert.Equal("ping", ping?.Event);
        Assert.Null(ping!.Data);

        Expect.Ok(await Api.DeleteAsync($"/api/v1/projects/{projectId}/identity-memberships/{identityId}", fx.AdminToken));
        // At the next heartbeat (or event) the stream says why it ends, then ends.
        var error = await stream.NextAsync();
        Assert.Equal("error", error?.Event);
        Assert.Equal("ProjectMembershipNotFound", error!.Json!["data"]!["name"]!.GetValue<string>());
        Assert.Null(await stream.NextAsync(skipPings: false));
    }

    [Fact]
    public async Task A_revoked_token_ends_its_stream_at_the_next_heartbeat()
    {
        var projectId = await fx.Given.ProjectAsync();
        var (_, token) = await fx.Given.ProjectMemberAsync(projectId, "member");
        await using var stream = await SubscribeAsync(token, Subscription(projectId, "dev", "/"));
        Expect.Ok(await Api.PostAsync("/api/v1/auth/token/revoke", new { accessToken = token }));
        var error = await stream.NextAsync();
        Assert.Equal("error", error?.Event);
        Assert.Equal("""{"type":"error","data":{"name":"TokenError","message":"No identity access token found"}}""", error!.Data);
        Assert.Null(await stream.NextAsync(skipPings: false));
    }

    [Fact]
    public async Task Rights_on_secret_events_decide_at_subscription_and_for_every_event()
    {
        var projectId = await fx.Given.ProjectAsync();
        foreach (var folder in new[] { "app", "other" })
            Expect.Ok(await Api.PostAsync("/api/v1/folders", new { workspaceId = projectId, environment = "dev", name = folder, path = "/" }, fx.AdminToken));
        Expect.Ok(await Api.PostAsync("/api/v1/folders", new { workspaceId = projectId, environment = "dev", name = "private", path = "/app" }, fx.AdminToken));
        var actions = new[] { "subscribe-on-created", "subscribe-on-updated", "subscribe-on-deleted", "subscribe-on-import-mutations" };
        await fx.Given.RoleAsync(projectId, "app-watcher",
        [
            new { subject = "secret-events", action = actions, conditions = new { environment = "dev", secretPath = new Dictionary<string, string> { ["$glob"] = "/app/**" } } },
            new { subject = "secret-events", action = actions, inverted = true, conditions = new { secretPath = new Dictionary<string, string> { ["$glob"] = "/app/private/**" } } },
            new { subject = "secrets", action = new[] { "describeSecret" } },
        ]);
        var (_, watcher) = await fx.Given.ProjectMemberAsync(projectId, "app-watcher");

        var (_, refused) = await EventStream.OpenAsync(Api.Http, watcher, Subscription(projectId, "dev", "/**"));
        var body = Expect.Error(refused!, 403, "PermissionDenied", "You are not allowed to subscribe on secret-events", allowDetails: true);
        Assert.Equal("""{"action":"subscribe-on-created","environmentSlug":"dev","secretPath":"/**"}""", body["details"]!.ToJsonString());
        var (_, noAccess) = await fx.Given.ProjectMemberAsync(projectId, "no-access");
        Expect.Error((await EventStream.OpenAsync(Api.Http, noAccess, Subscription(projectId, "dev", "/app/**"))).Refusal!, 403, "PermissionDenied", "You are not allowed to subscribe on secret-events", allowDetails: true);

        await using var stream = await SubscribeAsync(watcher, Subscription(projectId, "dev", "/app/**"));
        await SecretKeys.CreateAsync(Api, fx.AdminToken, projectId, "HIDDEN", "x", path: "/app/private");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, projectId, "OUTSIDE", "x", path: "/other");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, projectId, "SEEN", "x", path: "/app");
        var first = Data(await stream.NextAsync());
        Assert.Equal("SEEN", first["payload"]!["secretKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task Events_never_name_a_secret_the_subscriber_could_not_see()
    {
        var projectId = await fx.Given.ProjectAsync();
        foreach (var folder in new[] { "app", "other" })
            Expect.Ok(await Api.PostAsync("/api/v1/folders", new { workspaceId = projectId, environment = "dev", name = folder, path = "/" }, fx.AdminToken));
        var actions = new[] { "subscribe-on-created", "subscribe-on-updated", "subscribe-on-deleted", "subscribe-on-import-mutations" };
        // Every event right in the project, but secrets described under /app only.
        await fx.Given.RoleAsync(projectId, "listener",
        [
            new { subject = "secret-events", action = actions },
            new { subject = "secrets", action = new[] { "describeSecret" }, conditions = new { secretPath = new Dictionary<string, string> { ["$glob"] = "/app/**" } } },
        ]);
        var (_, listener) = await fx.Given.ProjectMemberAsync(projectId, "listener");
        await using var stream = await SubscribeAsync(listener, Subscription(projectId, "dev", "/**"));
        await SecretKeys.CreateAsync(Api, fx.AdminToken, projectId, "UNSEEN_NAME", "x", path: "/other");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, projectId, "SEEN_NAME", "x", path: "/app");
        Assert.Equal("SEEN_NAME", Data(await stream.NextAsync())["payload"]!["secretKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bad_subscriptions_are_refused_and_streams_are_limited_per_caller()
    {
        var projectId = await fx.Given.ProjectAsync();
        var (_, token) = await fx.Given.ProjectMemberAsync(projectId, "member");
        var (_, unknown) = await EventStream.OpenAsync(Api.Http, token,
            new { projectId, register = new[] { new { @event = "secret:rename", conditions = new { environmentSlug = "dev", secretPath = "/" } } } });
        Expect.Validation(unknown!, Issue.Enum(["register", 0, "event"], "secret:rename",
            "secret:create", "secret:update", "secret:delete", "secret:import-mutation"));
        var (_, empty) = await EventStream.OpenAsync(Api.Http, token, new { projectId, register = Array.Empty<object>() });
        Expect.Validation(empty!, Issue.TooSmall(["register"], "array", 1, "Array must contain at least 1 element(s)"));

        var streams = new List<EventStream>();
        try
        {
            for (var i = 0; i < 5; i++) streams.Add(await SubscribeAsync(token, Subscription(projectId, "dev", "/")));
            var (_, sixth) = await EventStream.OpenAsync(Api.Http, token, Subscription(projectId, "dev", "/"));
            Expect.Error(sixth!, 429, "RateLimitExceeded",
                $"Too many active connections for project {projectId}. Please close some connections before opening a new one.");
        }
        finally
        {
            foreach (var s in streams) await s.DisposeAsync();
        }

        // A subscriber that goes away leaves nothing behind: its subscription and its place in the limit are released
        // once the server notices (at the latest at the next heartbeat), and a new stream opens.
        var hub = fx.Server.Services.GetRequiredService<Coffer.Server.Features.Events.ProjectEventHub>();
        for (var i = 0; i < 300 && hub.Count > 0; i++) await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.Equal(0, hub.Count);
        await using var again = await SubscribeAsync(token, Subscription(projectId, "dev", "/"));
    }
}
