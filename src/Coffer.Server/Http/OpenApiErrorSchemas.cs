using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Coffer.Server.Http;

/// <summary>
/// Infisical documents the same error bodies on every route (its add-errors-to-response-schemas plugin); these are
/// those schemas.
/// </summary>
public static class OpenApiErrorSchemas
{
    public static readonly int[] Statuses = [400, 401, 403, 404, 422, 500];

    public static OpenApiResponse Error(int status)
    {
        var properties = new Dictionary<string, IOpenApiSchema>
        {
            ["reqId"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["statusCode"] = new OpenApiSchema { Type = JsonSchemaType.Number, Enum = [JsonValue.Create(status)] },
            // 422's message is zod's issue array, so Infisical leaves its type open.
            ["message"] = status == 422 ? new OpenApiSchema() : new OpenApiSchema { Type = JsonSchemaType.String },
            ["error"] = new OpenApiSchema { Type = JsonSchemaType.String },
        };
        if (status == 400) properties["details"] = new OpenApiSchema();
        if (status == 403)
        {
            // The seed lists details between message and error for 403.
            properties = new Dictionary<string, IOpenApiSchema>
            {
                ["reqId"] = properties["reqId"],
                ["statusCode"] = properties["statusCode"],
                ["message"] = properties["message"],
                ["details"] = new OpenApiSchema(),
                ["error"] = properties["error"],
            };
        }
        var required = status == 422
            ? new HashSet<string> { "reqId", "statusCode", "error" }
            : new HashSet<string> { "reqId", "statusCode", "message", "error" };
        return Json(new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = properties,
            Required = required,
            AdditionalPropertiesAllowed = false,
        });
    }

    public static OpenApiResponse Json(OpenApiSchema schema) => new()
    {
        Description = "Default Response",
        Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = schema } },
    };
}
