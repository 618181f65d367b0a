using System.Text.Json;
using System.Text.Json.Serialization;
using Coffer.Server.Features.Environments;
using Coffer.Server.Features.Secrets;
using Coffer.Server.Http;

namespace Coffer.Server.Features.SecretImports;

public sealed record ImportDetails(ImportRow Import, EnvironmentRow ImportEnvironment);

public sealed record ImportChange(FieldUpdate<string> Environment, FieldUpdate<string> Path, long? Position);

/// <summary><c>{"secrets": […]}</c> of <c>GET …/secret-imports/secrets</c>: each imported folder with its secrets.</summary>
public sealed record ImportedSecretsResponse(ImportedSecretsGroupJson[] Secrets);

/// <summary>One imported folder: where it is, its environment, and its secrets as <c>secretRawSchema</c>.</summary>
public sealed class ImportedSecretsGroupJson(ImportedGroup group, EnvironmentRow environment)
{
    public string SecretPath => group.SecretPath;
    public string Environment => group.Environment;
    public ImportedEnvironmentJson EnvironmentInfo => new(environment.Id, environment.Name, environment.Slug);
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? FolderId => group.FolderId;
    public RawSecretJson[] Secrets => Arrays.Map(group.Secrets, s => new RawSecretJson(s.View));
}

public sealed record ImportedEnvironmentJson(string Id, string Name, string Slug);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ImportedSecretsResponse))]
internal sealed partial class ImportJsonContext : JsonSerializerContext;
