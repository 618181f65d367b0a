namespace Coffer.Server.Features.Projects;

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
