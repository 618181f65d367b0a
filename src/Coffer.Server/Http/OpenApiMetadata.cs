using System.Diagnostics.CodeAnalysis;

namespace Coffer.Server.Http;

/// <summary>
/// A response an endpoint documents by its exact OpenAPI 3.0 schema, where the generated one would differ from what
/// Infisical publishes (closed objects, formats). Plain text, so a server never asked for its document never loads the
/// OpenAPI generator to carry it; <see cref="OpenApiSetup"/> reads it when the document is built.
/// </summary>
public sealed record DocumentedResponse(int StatusCode, [StringSyntax(StringSyntaxAttribute.Json)] string Schema);

/// <summary>Descriptions of an endpoint's route parameters, by name, as its reference page words them.</summary>
public sealed record DocumentedParameters(IReadOnlyDictionary<string, string> Descriptions);

public static class OpenApiMetadataExtensions
{
    public static TBuilder WithResponseSchema<TBuilder>(this TBuilder builder, int statusCode,
        [StringSyntax(StringSyntaxAttribute.Json)] string schema) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new DocumentedResponse(statusCode, schema));

    public static TBuilder WithParameterDescriptions<TBuilder>(this TBuilder builder, IReadOnlyDictionary<string, string> descriptions)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new DocumentedParameters(descriptions));
}
