using System.Data.Common;

namespace Coffer.Server.Features.DynamicSecrets;

/// <summary>
/// Deleting a folder, an environment or a project would take its dynamic secrets and their lease rows with it (ON
/// DELETE CASCADE) while the leased users stay in the databases, unknown to the revoker. So those deletions wait until
/// the dynamic secrets are deleted, which revokes their leases first.
/// </summary>
public static class DynamicSecretGuard
{
    public static async Task RequireNoneInFoldersAsync(DbConnection conn, DbTransaction tx, IReadOnlyCollection<string> folderIds, string what) =>
        Refuse(await DynamicSecretStore.NamesInFoldersAsync(conn, tx, folderIds), what);

    public static async Task RequireNoneInProjectAsync(DbConnection conn, DbTransaction tx, string projectId) =>
        Refuse(await DynamicSecretStore.NamesInProjectAsync(conn, tx, projectId), "project");

    private static void Refuse(List<string> names, string what)
    {
        if (names.Count == 0) return;
        throw new BadRequestException(
            $"Cannot delete the {what} because it holds dynamic secrets ({string.Join(", ", names)}); " +
            "delete them first, which revokes their leases.");
    }
}
