using System.Text.Json.Nodes;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;

namespace Coffer.Server.Features.AuditLogs;

/// <summary>One thing that happened, with Infisical's event name (e.g. <c>delete-identity-project-membership</c>).</summary>
public sealed record AuditEvent(string Type, JsonObject Metadata, string? OrgId, string? ProjectId = null);

/// <summary>Who did it and from where, captured from the request.</summary>
public sealed record AuditContext(
    string ActorType,
    string? ActorId,
    JsonObject ActorMetadata,
    string? IpAddress,
    string? UserAgent,
    string UserAgentType)
{
    public static AuditContext From(HttpContext context, Actor? actor) => From(context, actor, context.RequestServices);

    /// <param name="services">Where to find <see cref="ClientIp"/>: the root provider spares the request a DI scope.</param>
    public static AuditContext From(HttpContext context, Actor? actor, IServiceProvider services)
    {
        var ip = services.GetRequiredService<ClientIp>().Resolve(context).ToString();
        var userAgent = context.Request.Headers.UserAgent.ToString();
        var metadata = actor is null ? new JsonObject()
            : actor.IsIdentity ? new JsonObject { ["identityId"] = actor.Id, ["name"] = actor.Name }
            : new JsonObject { ["userId"] = actor.Id, ["email"] = actor.Name, ["username"] = actor.Name };
        return new AuditContext(actor?.TypeName ?? "unknownUser", actor?.Id, metadata, ip,
            userAgent.Length == 0 ? null : userAgent, ClassifyUserAgent(userAgent));
    }

    /// <summary>Infisical's user-agent buckets, so audit filters by client work the same.</summary>
    internal static string ClassifyUserAgent(string ua)
    {
        if (ua.Length == 0) return "other";
        if (ua.Equals("cli", StringComparison.OrdinalIgnoreCase) || ua.StartsWith("coffer-cli", StringComparison.OrdinalIgnoreCase)) return "cli";
        if (ua.Contains("k8-operator", StringComparison.OrdinalIgnoreCase)) return "k8-operator";
        if (ua.Contains("terraform", StringComparison.OrdinalIgnoreCase)) return "terraform";
        if (ua.Equals("node", StringComparison.OrdinalIgnoreCase) || ua.Contains("InfisicalNodeSDK", StringComparison.OrdinalIgnoreCase)) return "node-sdk";
        if (ua.Contains("InfisicalPythonSDK", StringComparison.OrdinalIgnoreCase)) return "python-sdk";
        if (ua.Contains("Mozilla", StringComparison.Ordinal)) return "web";
        return "other";
    }
}
