namespace Coffer.Server.Features.Folders;

/// <summary>A row of <c>secret_folders</c>. Each environment has one root (no parent, named "root") whose path is "/".</summary>
public sealed class FolderRow
{
    public string Id { get; init; } = "";
    public string EnvId { get; init; } = "";
    public string? ParentId { get; init; }
    public string Name { get; init; } = "";
    public string? Description { get; init; }
    public long Version { get; init; } = 1;
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
    public long? LastSecretModified { get; init; }

    public bool IsRoot => ParentId is null;
}
