using System.Text.Json.Serialization;

namespace Coffer.Cli.Api;

// Shapes of Infisical's HTTP API as the official CLI reads and sends them (client-calls.md §3.1).
// Only the fields the CLI uses are declared; everything else in a response is ignored.

internal sealed record UniversalAuthLoginRequest(string ClientId, string ClientSecret);

internal sealed record RenewTokenRequest(string AccessToken);

internal sealed record AccessTokenResponse(
    string AccessToken,
    long ExpiresIn,
    [property: JsonPropertyName("accessTokenMaxTTL")] long AccessTokenMaxTtl,
    string? TokenType);

internal sealed class SecretDto
{
    public string? Id { get; set; }

    [JsonPropertyName("_id")]
    public string? LegacyId { get; set; }

    public string SecretKey { get; set; } = "";
    public string SecretValue { get; set; } = "";
    public string? Type { get; set; }
    public string? SecretComment { get; set; }
    public string? SecretPath { get; set; }
    public string? Workspace { get; set; }
    public string? Environment { get; set; }
    public bool? SkipMultilineEncoding { get; set; }
    public List<TagDto>? Tags { get; set; }
}

internal sealed class TagDto
{
    public string? Id { get; set; }
    public string? Slug { get; set; }
    public string? Name { get; set; }
    public string? Color { get; set; }
}

internal sealed class SecretImportDto
{
    public string? SecretPath { get; set; }
    public string? Environment { get; set; }
    public string? FolderId { get; set; }
    public List<SecretDto> Secrets { get; set; } = [];
}

internal sealed class ListSecretsResponse
{
    public List<SecretDto> Secrets { get; set; } = [];
    public List<SecretImportDto>? Imports { get; set; }
}

/// <summary>Body of POST/PATCH/DELETE /api/v3/secrets/raw/{name}; unset fields are left out.</summary>
internal sealed record SecretWriteRequest(
    string WorkspaceId,
    string Environment,
    string SecretPath,
    string Type,
    string? SecretValue = null);

internal sealed class FolderDto
{
    public string? Id { get; set; }
    public string Name { get; set; } = "";
}

internal sealed class ListFoldersResponse
{
    public List<FolderDto> Folders { get; set; } = [];
}

internal sealed class FolderResponse
{
    public FolderDto? Folder { get; set; }
}

internal sealed record CreateFolderRequest(string WorkspaceId, string Environment, string Name, string Path);

// Infisical's CLI sends the parent folder as `directory`, newer servers read `path`: send both.
internal sealed record DeleteFolderRequest(string WorkspaceId, string Environment, string Path, string Directory);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(UniversalAuthLoginRequest))]
[JsonSerializable(typeof(RenewTokenRequest))]
[JsonSerializable(typeof(AccessTokenResponse))]
[JsonSerializable(typeof(ListSecretsResponse))]
[JsonSerializable(typeof(SecretWriteRequest))]
[JsonSerializable(typeof(ListFoldersResponse))]
[JsonSerializable(typeof(FolderResponse))]
[JsonSerializable(typeof(CreateFolderRequest))]
[JsonSerializable(typeof(DeleteFolderRequest))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
