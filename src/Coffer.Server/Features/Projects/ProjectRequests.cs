namespace Coffer.Server.Features.Projects;

public sealed record CreateProjectRequest(
    string Name,
    string? Description,
    string? Slug,
    string Template,
    string Type,
    bool CreateDefaultEnvironments,
    bool HasDeleteProtection);

public sealed record UpdateProjectRequest(
    string? Name,
    string? Description,
    bool? AutoCapitalization,
    bool? HasDeleteProtection,
    bool? EnforceEncryptedSecretManagerSecretMetadata,
    string? Slug,
    bool? SecretSharing,
    bool? ShowSnapshotsLegacy,
    IReadOnlyList<string>? SecretDetectionIgnoreValues,
    long? PitVersionLimit);
