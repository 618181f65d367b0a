using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Coffer.Server.Configuration;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.Events;

/// <summary>
/// Server-sent event streams of a project's secret changes (Infisical's <c>subscribe/project-events</c>, what the
/// Kubernetes operator's instant updates use). Access is checked when the stream opens, before every event it carries and
/// at every heartbeat — the token again (revoked, expired, out of its organization) and the project permissions: a
/// subscriber that loses either gets an <c>error</c> event and the stream ends; one that loses <c>secret-events</c>
/// rights on a path stops hearing of it.
/// </summary>
public sealed class EventService(PermissionService permissions, RequestAuthenticator authenticator, ClientIp clientIp, ProjectEventHub hub,
    CofferOptions options, TimeProvider time)
{
    /// <summary>Open streams per caller and project, as Infisical limits them.</summary>
    public const int MaxStreams = 5;

    private const int Backlog = 256;

    private readonly ConcurrentDictionary<(string ProjectId, string ActorId), int> _open = new();

    public async Task StreamAsync(HttpContext http, Actor actor, string projectId, IReadOnlyList<EventRegistration> registrations)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        RequireSubscribe(access, registrations);
        var key = (projectId, actor.Id);
        if (_open.AddOrUpdate(key, 1, (_, n) => n + 1) > MaxStreams)
        {
            Release(key);
            throw new TooManyRequestsException(
                $"Too many active connections for project {projectId}. Please close some connections before opening a new one.");
        }
        try
        {
            await RunAsync(http, projectId, registrations);
        }
        finally
        {
            Release(key);
        }
    }

    private async Task RunAsync(HttpContext http, string projectId, IReadOnlyList<EventRegistration> registrations)
    {
        var ct = http.RequestAborted;
        var caller = new Caller(Bearer(http), clientIp.Resolve(http), http.Request.Path);
        var channel = Channel.CreateBounded<ProjectEvent>(new BoundedChannelOptions(Backlog)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        using var subscription = hub.Subscribe(projectId, channel.Writer);

        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.Body.FlushAsync(ct);

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.EventHeartbeatSeconds), time);
        Task<bool>? tick = null;
        Task<bool>? ready = null;
        try
        {
            while (true)
            {
                tick ??= timer.WaitForNextTickAsync(ct).AsTask();
                ready ??= channel.Reader.WaitToReadAsync(ct).AsTask();
                if (await Task.WhenAny(tick, ready) == tick)
                {
                    tick = null;
                    if (await CurrentAccessAsync(response, caller, projectId, ct) is null) return;
                    await WriteAsync(response, "event: ping\n\n", ct);
                    continue;
                }
                ready = null;
                var access = await CurrentAccessAsync(response, caller, projectId, ct);
                if (access is null) return;
                while (channel.Reader.TryRead(out var e))
                {
                    if (Matches(registrations, e) && MayHear(access, e)) await WriteAsync(response, Frame(e), ct);
                }
            }
        }
        catch (Exception ex) when (ct.IsCancellationRequested || ex is IOException)
        {
            // The subscriber went away (the write failed or the request was aborted); the subscription goes with this scope.
        }
    }

    /// <summary>The subscriber's access now — its token checked again, without spending a use — or null after telling it why the stream ends.</summary>
    private async Task<ProjectAccess?> CurrentAccessAsync(HttpResponse response, Caller caller, string projectId, CancellationToken ct)
    {
        try
        {
            var actor = await authenticator.AuthenticateAsync(caller.Token, caller.Ip, allowsNoOrganization: false, caller.Path, consumeUse: false);
            return await permissions.ForProjectAsync(actor, projectId);
        }
        catch (ApiException ex)
        {
            var error = new JsonObject { ["type"] = "error", ["data"] = new JsonObject { ["name"] = ex.Error, ["message"] = ex.Message } };
            await WriteAsync(response, $"event: error\ndata: {error.ToJsonString()}\n\n", ct);
            return null;
        }
    }

    // The middleware has authenticated this very header, so it is "Bearer " and a token.
    private static string Bearer(HttpContext http) => http.Request.Headers.Authorization.ToString()[7..].Trim();

    private sealed record Caller(string Token, System.Net.IPAddress Ip, PathString Path);

    /// <summary>Infisical's check at subscription: each registration needs its <c>secret-events</c> action there.</summary>
    private static void RequireSubscribe(ProjectAccess access, IReadOnlyList<EventRegistration> registrations)
    {
        foreach (var r in registrations)
        {
            var action = ProjectEventNames.Action(r.Name);
            var fields = SubjectFields.EnvironmentAndPath(r.Environment ?? "", r.SecretPath ?? "/");
            if (!access.Can(action, ProjectSubject.SecretEvents, fields))
                throw new ForbiddenException($"You are not allowed to subscribe on {ProjectSubject.SecretEvents}", "PermissionDenied",
                    new JsonObject { ["action"] = action, ["environmentSlug"] = r.Environment ?? "", ["secretPath"] = r.SecretPath ?? "/" });
        }
    }

    /// <summary>The event is one registered for, in the registered environment, under the registered path glob.</summary>
    private static bool Matches(IReadOnlyList<EventRegistration> registrations, ProjectEvent e)
    {
        foreach (var r in registrations)
        {
            if (!string.Equals(r.Name, e.Name, StringComparison.Ordinal)) continue;
            if (r.Environment is null && r.SecretPath is null) return true;
            if (!string.Equals(r.Environment ?? "", e.Environment, StringComparison.Ordinal)) continue;
            if (GlobPattern.Get(r.SecretPath ?? "/").IsMatch(e.SecretPath)) return true;
        }
        return false;
    }

    /// <summary>
    /// Infisical asks only for the <c>secret-events</c> action. An event names a secret, so Coffer also asks that the
    /// subscriber may see that secret exist (<c>describeSecret</c> on its environment, path, name and tags): rights to
    /// events never reveal names the subscriber could not list.
    /// </summary>
    private static bool MayHear(ProjectAccess access, ProjectEvent e)
    {
        if (e.SecretKey is null)
            return access.Can(ProjectEventNames.Action(e.Name), ProjectSubject.SecretEvents, SubjectFields.EnvironmentAndPath(e.Environment, e.SecretPath));
        var secret = SubjectFields.Secret(e.Environment, e.SecretPath, e.SecretKey, e.SecretTags);
        return access.Can(ProjectEventNames.Action(e.Name), ProjectSubject.SecretEvents, secret)
            && access.Permissions.CanAccessSecret(PermissionAction.DescribeSecret, secret);
    }

    /// <summary>Infisical's frame: <c>id</c> the time, <c>event</c> the project type, <c>data</c> the whole bus event.</summary>
    internal static string Frame(ProjectEvent e)
    {
        JsonNode payload = e.Name == ProjectEventNames.ImportMutation
            ? new JsonObject { ["secretPath"] = e.SecretPath, ["environment"] = e.Environment }
            : new JsonObject { ["secretId"] = e.SecretId, ["secretPath"] = e.SecretPath, ["secretKey"] = e.SecretKey, ["environment"] = e.Environment };
        var message = new JsonObject
        {
            ["datacontenttype"] = "application/json",
            ["type"] = "secret-manager",
            ["source"] = "coffer",
            ["time"] = e.Time,
            ["data"] = new JsonObject { ["specversion"] = 1, ["event"] = e.Name, ["payload"] = payload },
        };
        return new StringBuilder().Append("id: ").Append(e.Time).Append("\nevent: secret-manager\ndata: ")
            .Append(message.ToJsonString()).Append("\n\n").ToString();
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken ct)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        await response.Body.FlushAsync(ct);
    }

    private void Release((string ProjectId, string ActorId) key)
    {
        // Entries go when their count does, so callers long gone leave nothing behind.
        if (_open.AddOrUpdate(key, 0, (_, n) => Math.Max(0, n - 1)) == 0)
            _open.TryRemove(new KeyValuePair<(string, string), int>(key, 0));
    }
}
