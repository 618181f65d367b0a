using System.Text.Json.Nodes;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Identities;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.KubernetesAuth;

/// <summary><c>/api/v1/auth/kubernetes-auth</c>: log in with a service-account token, and attach, read, change and remove an identity's Kubernetes auth.</summary>
public static class KubernetesAuthEndpoints
{
    public static IServiceCollection AddKubernetesAuth(this IServiceCollection services) => services.AddSingleton<KubernetesAuthService>();

    public static void MapKubernetesAuth(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/auth/kubernetes-auth/login", async (HttpContext http, KubernetesAuthService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var identityId = body.String("identityId", trim: true);
            var jwt = body.String("jwt", trim: true, max: 8192);
            body.String("subOrganizationName", required: false, trim: true);
            body.ThrowIfInvalid();
            return TypedResults.Ok(await service.LoginAsync(identityId!, jwt!, AuditContext.From(http, null)));
        }).WithTags("Kubernetes Auth").WithSummary("Login with Kubernetes Auth");

        app.MapAuthMethodConfiguration<KubernetesAuthService, KubernetesAuthSettings>("/api/v1/auth/kubernetes-auth/identities/{identityId}", "Kubernetes Auth",
            "identityKubernetesAuth", ReadSettingsAsync);
    }

    /// <summary>
    /// Infisical's body in API review mode: <c>kubernetesHost</c> (required on attach), <c>caCert</c>,
    /// <c>tokenReviewerJwt</c> (optional: the pod's own token reviews itself), allowed namespaces, names and audience.
    /// </summary>
    private static async Task<KubernetesAuthSettings> ReadSettingsAsync(HttpContext http, bool attach)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var host = body.String("kubernetesHost", required: attach, trim: true, min: 1);
        if (host is not null && !Uri.TryCreate(host.Contains("://", StringComparison.Ordinal) ? host : "https://" + host, UriKind.Absolute, out _))
            body.Fail("Invalid Kubernetes host", "kubernetesHost");
        var caCert = body.String("caCert", required: false, trim: true);
        var reviewer = body.String("tokenReviewerJwt", required: false, trim: true, nullable: true);
        var mode = body.Enum("tokenReviewMode", ["api", "gateway"]);
        if (mode == "gateway") body.Fail("Coffer has no gateways; use tokenReviewMode 'api' with the cluster's kubernetesHost", "tokenReviewMode");
        if (body.Has("gatewayId") && body.Raw("gatewayId") is not null) body.Fail("Coffer has no gateways", "gatewayId");
        var namespaces = body.String("allowedNamespaces", required: false, trim: true);
        var names = body.String("allowedNames", required: false, trim: true);
        var audience = body.String("allowedAudience", required: false, trim: true);
        var tokens = TokenSettings.Read(body, withDefaults: attach);
        body.ThrowIfInvalid();
        return new KubernetesAuthSettings(host, caCert, reviewer, namespaces ?? (attach ? "" : null), names ?? (attach ? "" : null),
            audience ?? (attach ? "" : null), tokens);
    }
}
