using System.Data.Common;
using Coffer.Server.Features.Folders;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.Secrets;

/// <summary>A secret as permissions see it: where it lives and what it is called and tagged, at one moment.</summary>
public readonly record struct LocatedSecret(SecretRow Row, string Environment, string Path, string Name, IReadOnlyList<string> Tags)
{
    public LocatedSecret(SecretRow row, string environment, string path)
        : this(row, environment, path, row.Key, row.TagSlugs)
    {
    }

    public SecretSubject Fields => SubjectFields.Secret(Environment, Path, Name, Tags);
}

/// <summary>
/// The secrets that an operation on a folder, tag or environment changes without naming them: renaming a folder, a
/// tag slug or an environment slug changes their identity (so path, tag and environment rules see them differently),
/// deleting a folder or an environment deletes them. Every one is checked, in the transaction that changes it, and one
/// refusal refuses the whole operation.
/// </summary>
public static class AffectedSecrets
{
    private static readonly string[] SecretActions =
        [PermissionAction.DescribeSecret, PermissionAction.ReadValue, PermissionAction.Create, PermissionAction.Edit, PermissionAction.Delete];

    /// <summary>Every secret (shared and personal) in these folders of one environment.</summary>
    public static async Task<List<LocatedSecret>> InFoldersAsync(DbConnection conn, DbTransaction tx, EnvironmentFolders env,
        IEnumerable<FolderRow> folders)
    {
        var ids = folders.Select(f => f.Id).ToList();
        var rows = await SecretStore.ListByFoldersAsync(conn, ids, tx);
        return rows.Select(r => new LocatedSecret(r, env.Environment.Slug, env.PathOf(env.ById(r.FolderId)!))).ToList();
    }

    /// <summary>Every secret carrying a tag.</summary>
    public static async Task<List<LocatedSecret>> WithTagAsync(DbConnection conn, DbTransaction tx, string projectId, string tagId)
    {
        var rows = await SecretStore.ListByTagAsync(conn, tx, tagId);
        if (rows.Count == 0) return [];
        var tree = await SecretStore.LoadTreeAsync(conn, projectId, tx);
        return rows.Select(r =>
        {
            var env = tree.EnvironmentOf(r.FolderId)!;
            return new LocatedSecret(r, env.Environment.Slug, env.PathOf(env.ById(r.FolderId)!));
        }).ToList();
    }

    /// <summary>Deleting them: <c>delete</c> on each, as it stands.</summary>
    public static void RequireDelete(ProjectAccess access, IEnumerable<LocatedSecret> secrets)
    {
        foreach (var secret in secrets) access.Require(PermissionAction.Delete, ProjectSubject.Secrets, secret.Fields);
    }

    /// <summary>
    /// Changing their identity: <c>edit</c> on each before and after, and <see cref="RequireNoGain"/>.
    /// </summary>
    public static void RequireRelabel(ProjectAccess access, IEnumerable<LocatedSecret> secrets, Func<LocatedSecret, LocatedSecret> relabel)
    {
        foreach (var before in secrets) RequireRelabel(access, before, relabel(before));
    }

    /// <inheritdoc cref="RequireRelabel(ProjectAccess, IEnumerable{LocatedSecret}, Func{LocatedSecret, LocatedSecret})"/>
    public static void RequireRelabel(ProjectAccess access, LocatedSecret before, LocatedSecret after)
    {
        access.Require(PermissionAction.Edit, ProjectSubject.Secrets, before.Fields);
        access.Require(PermissionAction.Edit, ProjectSubject.Secrets, after.Fields);
        RequireNoGain(access, before, after);
    }

    /// <summary>
    /// Whatever the actor could do to the secret under its new identity it must already be able to do under the old
    /// one, so a rename, a retag or a move cannot carry a secret out from under a rule that denies the actor.
    /// </summary>
    public static void RequireNoGain(ProjectAccess access, LocatedSecret before, LocatedSecret after)
    {
        var perms = access.Permissions;
        foreach (var action in SecretActions)
        {
            if (action is PermissionAction.DescribeSecret or PermissionAction.ReadValue)
            {
                if (perms.CanAccessSecret(action, after.Fields)) perms.RequireSecretAccess(action, before.Fields);
            }
            else if (perms.Can(action, ProjectSubject.Secrets, after.Fields))
            {
                access.Require(action, ProjectSubject.Secrets, before.Fields);
            }
        }
    }
}
