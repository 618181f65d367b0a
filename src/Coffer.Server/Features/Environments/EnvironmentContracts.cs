using Coffer.Server.Data;

namespace Coffer.Server.Features.Environments;

public sealed record EnvironmentDto(string Id, string Name, string Slug, long Position, string ProjectId, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static EnvironmentDto From(EnvironmentRow e) =>
        new(e.Id, e.Name, e.Slug, e.Position, e.ProjectId, UnixMs.ToUtc(e.CreatedAt), UnixMs.ToUtc(e.UpdatedAt));
}

public sealed record EnvironmentChangeResponse(string Message, string ProjectId, EnvironmentDto Environment);

public sealed record EnvironmentEnvelope(EnvironmentDto Environment);

public sealed record EnvironmentBySlugResponse(EnvironmentDto Environment, string Id, string Name, string Slug, long Position,
    string ProjectId, DateTime CreatedAt, DateTime UpdatedAt);
