using System.Text.Json;
using System.Text.Json.Serialization;
using Coffer.Server.Data;
using Coffer.Server.Features.Environments;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.Projects;

public sealed record EnvironmentSummaryDto(string Name, string Slug, string Id);

/// <summary>
/// Infisical's SanitizedProjectSchema; <c>_id</c> and <c>environments</c> are present only where Infisical's route
/// adds them (create, get, list).
/// </summary>
public sealed record ProjectDto(
    string Id,
    string Name,
    string? Description,
    string Type,
    string? DefaultProduct,
    string Slug,
    bool AutoCapitalization,
    string OrgId,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    long Version,
    string? UpgradeStatus,
    long PitVersionLimit,
    string? KmsCertificateKeyId,
    long? AuditLogsRetentionDays,
    bool HasDeleteProtection,
    bool SecretSharing,
    bool ShowSnapshotsLegacy,
    IReadOnlyList<string>? SecretDetectionIgnoreValues)
{
    [JsonPropertyName("_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LegacyId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<EnvironmentSummaryDto>? Environments { get; init; }

    public static ProjectDto From(ProjectRow p) => new(p.Id, p.Name, p.Description, p.Type, p.Type, p.Slug, p.AutoCapitalization,
        p.OrgId, UnixMs.ToUtc(p.CreatedAt), UnixMs.ToUtc(p.UpdatedAt), p.Version, null, p.PitVersionLimit, null,
        p.AuditLogsRetentionDays, p.HasDeleteProtection, p.SecretSharing, p.ShowSnapshotsLegacy,
        p.SecretDetectionIgnoreValues is null ? null : JsonSerializer.Deserialize<string[]>(p.SecretDetectionIgnoreValues));

    public static ProjectDto WithEnvironments(ProjectRow p, IEnumerable<EnvironmentRow> environments) => From(p) with
    {
        LegacyId = p.Id,
        Environments = environments.Select(e => new EnvironmentSummaryDto(e.Name, e.Slug, e.Id)).ToList(),
    };
}

public sealed record ProjectEnvelope(ProjectDto Project);

/// <summary>
/// The deprecated <c>/api/v1/workspace</c> answers: the project as on the current routes plus Infisical's legacy
/// <c>_id</c> (the same id), which the Go CLI's <c>init</c> reads to write <c>.infisical.json</c>.
/// </summary>
public static class WorkspaceJson
{
    public static System.Text.Json.Nodes.JsonObject Of(ProjectDto project)
    {
        var o = System.Text.Json.JsonSerializer.SerializeToNode(project, Http.ApiJson.Options)!.AsObject();
        o["_id"] = project.Id;
        return o;
    }
}

public sealed record MessageAndWorkspace(string Message, ProjectDto Workspace);

public sealed record ProjectListResponse(IReadOnlyList<ProjectDto> Projects);
