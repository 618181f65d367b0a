using Coffer.Server.Features.IdentityMemberships;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.RateLimiting;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Coffer.Server.Http;

/// <summary>
/// OpenAPI 3.0 at /api/docs/json (Infisical's path) and an interactive reference at /api/docs. Every authenticated
/// operation declares bearer auth and Infisical's error responses; the founding Delete Identity Membership operation
/// is documented exactly as its reference page.
/// </summary>
public static class OpenApiSetup
{
    public static void Configure(OpenApiOptions options)
    {
        options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_0;
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Coffer API",
                Description = "Infisical-compatible secrets management API",
                Version = "0.0.1",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["bearerAuth"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "An access token in Infisical",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            operation.Responses ??= new OpenApiResponses();
            if (metadata.OfType<DeleteMembershipOperation>().Any())
            {
                operation.Description = "Delete project identity memberships";
                operation.Summary = null;
                operation.Responses["200"] = OpenApiErrorSchemas.MembershipRow();
                foreach (var parameter in operation.Parameters ?? [])
                {
                    if (parameter is not OpenApiParameter p) continue;
                    p.Description = p.Name switch
                    {
                        "projectId" => "The ID of the project to delete the identity membership from.",
                        "identityId" => "The ID of the machine identity to delete the membership from.",
                        _ => p.Description,
                    };
                }
            }
            if (metadata.OfType<RequiresActorMetadata>().Any())
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearerAuth", context.Document)] = [] }];
                foreach (var status in OpenApiErrorSchemas.Statuses)
                    operation.Responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = OpenApiErrorSchemas.Error(status);
            }
            return Task.CompletedTask;
        });
    }

    public static void MapApiDocs(this WebApplication app, Func<WebApplication> createDocsHost)
    {
        var docs = new ApiDocs(createDocsHost);
        app.MapGet("/api/docs/json", docs.WriteAsync).ExcludeFromDescription().WithoutRateLimit();
        app.MapScalarApiReference("/api/docs", o => o.WithOpenApiRoutePattern("/api/docs/json").WithTitle("Coffer API"))
            .ExcludeFromDescription().WithoutRateLimit();
    }
}
