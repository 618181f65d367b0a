namespace Coffer.Server.Features.Projects;

public sealed class ProjectRow
{
    public string Id { get; init; } = "";
    public string OrgId { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Description { get; init; }
    public string Slug { get; init; } = "";
    public string Type { get; init; } = "secret-manager";
    public bool AutoCapitalization { get; init; }
    public long Version { get; init; } = 3;
    public long PitVersionLimit { get; init; } = 10;
    public long? AuditLogsRetentionDays { get; init; }
    public bool HasDeleteProtection { get; init; }
    public bool SecretSharing { get; init; } = true;
    public bool ShowSnapshotsLegacy { get; init; }
    public bool EnforceEncryptedSecretManagerSecretMetadata { get; init; }
    public string? SecretDetectionIgnoreValues { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}

public sealed class EnvironmentRow
{
    public string Id { get; init; } = "";
    public string ProjectId { get; init; } = "";
    public string Name { get; init; } = "";
    public string Slug { get; init; } = "";
    public long Position { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}
