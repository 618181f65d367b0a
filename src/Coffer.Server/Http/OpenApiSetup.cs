using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Coffer.Server.Http;

/// <summary>OpenAPI 3 at /api/docs/json (Infisical's path) and an interactive reference at /api/docs.</summary>
public static class OpenApiSetup
{
    public static void Configure(OpenApiOptions options)
    {
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
    }

    public static void MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi("/api/docs/json").ExcludeFromDescription();
        app.MapScalarApiReference("/api/docs", o => o.WithOpenApiRoutePattern("/api/docs/json").WithTitle("Coffer API"))
            .ExcludeFromDescription();
    }
}
