using Coffer.Server.Http.Auth;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Coffer.Server.Http;

/// <summary>
/// How the OpenAPI document describes the API (served by <c>ApiDocs</c> at /api/docs/json). Every authenticated
/// operation declares bearer auth and Infisical's error responses; an endpoint's own <see cref="DocumentedResponse"/> and
/// <see cref="DocumentedParameters"/> metadata say the rest (the founding Delete Identity Membership operation is
/// documented exactly as its reference page that way).
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
            foreach (var documented in metadata.OfType<DocumentedResponse>())
                operation.Responses[documented.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)] =
                    OpenApiErrorSchemas.Json(ParseSchema(documented.Schema, context.Document));
            foreach (var documented in metadata.OfType<DocumentedParameters>())
            {
                foreach (var parameter in operation.Parameters ?? [])
                {
                    if (parameter is OpenApiParameter p && p.Name is { } name && documented.Descriptions.TryGetValue(name, out var text))
                        p.Description = text;
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

    private static OpenApiSchema ParseSchema(string json, OpenApiDocument? document)
    {
        var schema = OpenApiModelFactory.Parse<OpenApiSchema>(json, OpenApiSpecVersion.OpenApi3_0, document ?? new OpenApiDocument(), out var diagnostic, "json");
        // The schemas are constants in the source: a broken one is a bug to see in the first docs request, not a silent gap.
        if (schema is null || diagnostic?.Errors.Count > 0)
            throw new InvalidOperationException($"Invalid documented response schema: {string.Join("; ", diagnostic?.Errors.Select(e => e.Message) ?? [])}");
        return schema;
    }
}
