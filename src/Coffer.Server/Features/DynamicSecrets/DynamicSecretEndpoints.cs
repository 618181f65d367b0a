using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.DynamicSecrets.Providers;
using Coffer.Server.Features.Secrets;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.DynamicSecrets;

/// <summary>
/// <c>/api/v1/dynamic-secrets</c> and its leases, as Infisical serves them to the Node SDK, the CLI and agent, the
/// Kubernetes operator and Terraform: a dynamic secret is addressed by project slug, environment slug, folder path and
/// name; a lease by its id within that place.
/// </summary>
public static partial class DynamicSecretEndpoints
{
    public static IServiceCollection AddDynamicSecrets(this IServiceCollection services)
    {
        services.AddSingleton<ProviderAddresses>();
        services.AddSingleton<IDynamicSecretProvider, SqlDatabaseProvider>();
        services.AddSingleton<IDynamicSecretProvider, RedisProvider>();
        services.AddSingleton<DynamicSecretProviders>();
        services.AddSingleton<LeaseRevocations>();
        services.AddSingleton<DynamicSecretService>();
        services.AddSingleton<LeaseService>();
        services.AddSingleton<LeaseRevoker>();
        services.AddHostedService(sp => sp.GetRequiredService<LeaseRevoker>());
        return services;
    }

    public static void MapDynamicSecrets(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").RequireActor().WithTags("Dynamic secrets");

        group.MapPost("/api/v1/dynamic-secrets", async (HttpContext http, DynamicSecretService service, DynamicSecretProviders providers) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var projectSlug = body.String("projectSlug", min: 1);
            var provider = body.Object("provider", required: true);
            var type = provider?.Enum("type", DynamicSecretProviders.InfisicalTypes, required: true);
            var impl = type is null ? null : providers.Find(type);
            var inputsInput = provider?.Object("inputs", required: true);
            var defaultTtl = DynamicSecretTtl.Read(body, "defaultTTL", required: true);
            var maxTtl = DynamicSecretTtl.Read(body, "maxTTL", required: false, nullable: true);
            var path = SecretInputs.Path(body, "path");
            var environment = body.String("environmentSlug", min: 1);
            var name = Slug.Read(body, "name", max: 64, field: "Name");
            var metadata = Metadata(body);
            var usernameTemplate = UsernameTemplate(body);
            var inputs = impl is not null && inputsInput is not null ? impl.ReadInputs(inputsInput) : null;
            body.ThrowIfInvalid();
            if (impl is null)
                throw new BadRequestException(
                    $"Coffer does not serve the '{type}' dynamic secret provider; it serves {string.Join(" and ", providers.Types.Order(StringComparer.Ordinal))}");
            DynamicSecretTtl.RequireDefaultWithinMax(defaultTtl!, maxTtl);
            var actor = http.GetActor();
            var created = await service.CreateAsync(actor, AuditContext.From(http, actor), new CreateDynamicSecretRequest(
                projectSlug!, environment!, path, name!, type!, inputs!, defaultTtl!, maxTtl, metadata, usernameTemplate));
            return Results.Json(new JsonObject { ["dynamicSecret"] = created }, ApiJson.Options);
        }).WithSummary("Create dynamic secret");

        group.MapPatch("/api/v1/dynamic-secrets/{name}", async (HttpContext http, string name, DynamicSecretService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var at = Location(body);
            var data = body.Object("data", required: true);
            JsonObject? inputs = null;
            if (data?.Raw("inputs") is { } raw)
            {
                if (raw is JsonObject o) inputs = o;
                else data.AddIssue(Input.TypeIssue(data.PathOf("inputs"), "object", Input.TypeName(raw)));
            }
            var change = data is null ? null : new DynamicSecretChange(
                inputs,
                DynamicSecretTtl.Read(data, "defaultTTL", required: false) is { Length: > 0 } d ? d : null,
                DynamicSecretTtl.Read(data, "maxTTL", required: false, nullable: true) is { Length: > 0 } m ? m : null,
                data.Has("maxTTL"),
                data.Has("newName") ? Slug.Read(data, "newName", max: 64, field: "Name") : null,
                Metadata(data),
                UsernameTemplate(data, nullable: true),
                data.Has("usernameTemplate"));
            body.ThrowIfInvalid();
            var actor = http.GetActor();
            var updated = await service.UpdateAsync(actor, AuditContext.From(http, actor), at, name.Trim().ToLowerInvariant(), change!);
            return Results.Json(new JsonObject { ["dynamicSecret"] = updated }, ApiJson.Options);
        }).WithSummary("Update dynamic secret");

        group.MapDelete("/api/v1/dynamic-secrets/{name}", async (HttpContext http, string name, DynamicSecretService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var at = Location(body);
            var isForced = body.Boolean("isForced", fallback: false);
            body.ThrowIfInvalid();
            var actor = http.GetActor();
            var deleted = await service.DeleteAsync(actor, AuditContext.From(http, actor), at, name.Trim().ToLowerInvariant(), isForced!.Value);
            return Results.Json(new JsonObject { ["dynamicSecret"] = deleted }, ApiJson.Options);
        }).WithSummary("Delete dynamic secret");

        group.MapGet("/api/v1/dynamic-secrets/{name}", async (HttpContext http, string name, DynamicSecretService service) =>
        {
            var query = Input.ForQuery(http.Request.Query);
            var at = Location(query);
            query.ThrowIfInvalid();
            var actor = http.GetActor();
            var found = await service.GetAsync(actor, AuditContext.From(http, actor), at, name);
            return Results.Json(new JsonObject { ["dynamicSecret"] = found }, ApiJson.Options);
        }).WithSummary("Get dynamic secret by name");

        group.MapGet("/api/v1/dynamic-secrets", async (HttpContext http, DynamicSecretService service) =>
        {
            var query = Input.ForQuery(http.Request.Query);
            var at = Location(query);
            query.ThrowIfInvalid();
            var actor = http.GetActor();
            var list = await service.ListAsync(actor, AuditContext.From(http, actor), at);
            return Results.Json(new JsonObject { ["dynamicSecrets"] = list }, ApiJson.Options);
        }).WithSummary("List dynamic secrets");

        group.MapGet("/api/v1/dynamic-secrets/{name}/leases", async (HttpContext http, string name, LeaseService service) =>
        {
            var query = Input.ForQuery(http.Request.Query);
            var at = Location(query);
            query.ThrowIfInvalid();
            var actor = http.GetActor();
            return Results.Json(await service.ListAsync(actor, AuditContext.From(http, actor), at, name), ApiJson.Options);
        }).WithSummary("List leases of a dynamic secret");

        group.MapPost("/api/v1/dynamic-secrets/leases", async (HttpContext http, LeaseService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var name = body.String("dynamicSecretName", min: 1)?.ToLowerInvariant();
            var ttl = DynamicSecretTtl.Read(body, "ttl", required: false);
            var at = Location(body);
            body.ThrowIfInvalid();
            var actor = http.GetActor();
            return Results.Json(await service.CreateAsync(actor, AuditContext.From(http, actor), at, name!, ttl), ApiJson.Options);
        }).WithSummary("Create lease");

        group.MapDelete("/api/v1/dynamic-secrets/leases/{leaseId}", async (HttpContext http, string leaseId, LeaseService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var at = Location(body);
            var isForced = body.Boolean("isForced", fallback: false);
            body.ThrowIfInvalid();
            var actor = http.GetActor();
            return Results.Json(await service.RevokeAsync(actor, AuditContext.From(http, actor), at, leaseId, isForced!.Value), ApiJson.Options);
        }).WithSummary("Delete lease");

        group.MapPost("/api/v1/dynamic-secrets/leases/{leaseId}/renew", async (HttpContext http, string leaseId, LeaseService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var ttl = DynamicSecretTtl.Read(body, "ttl", required: false);
            var at = Location(body);
            body.ThrowIfInvalid();
            var actor = http.GetActor();
            return Results.Json(await service.RenewAsync(actor, AuditContext.From(http, actor), at, leaseId, ttl), ApiJson.Options);
        }).WithSummary("Renew lease");

        group.MapGet("/api/v1/dynamic-secrets/leases/{leaseId}", async (HttpContext http, string leaseId, LeaseService service) =>
        {
            var query = Input.ForQuery(http.Request.Query);
            var at = Location(query);
            query.ThrowIfInvalid();
            var actor = http.GetActor();
            return Results.Json(await service.GetAsync(actor, AuditContext.From(http, actor), at, leaseId), ApiJson.Options);
        }).WithSummary("Get lease");
    }

    private static DynamicSecretLocation Location(Input input) => new(
        input.String("projectSlug", min: 1) ?? "",
        input.String("environmentSlug", min: 1) ?? "",
        SecretInputs.Path(input, "path"));

    private static JsonArray? Metadata(Input input)
    {
        var items = input.Objects("metadata");
        if (items is null) return null;
        var result = new JsonArray();
        foreach (var item in items)
        {
            var key = item.String("key", trim: true, min: 1);
            var value = item.String("value", trim: true, fallback: "");
            result.Add(new JsonObject { ["key"] = key, ["value"] = value });
        }
        return result;
    }

    /// <summary>Infisical's <c>usernameTemplate</c>: at most 255 characters of a small set, placeholders from a fixed list.</summary>
    private static string? UsernameTemplate(Input input, bool nullable = false)
    {
        var template = input.String("usernameTemplate", required: false, trim: true, max: 255, nullable: nullable);
        if (string.IsNullOrEmpty(template)) return null;
        if (!TemplateCharacters().IsMatch(template)
            || StatementTemplate.Disallowed(template, ["randomUsername", "unixTimestamp", "identity.name"]) is not null)
            input.Fail("Invalid input", "usernameTemplate");
        return template;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_\-{}\[\].' |]*$")]
    private static partial Regex TemplateCharacters();
}
