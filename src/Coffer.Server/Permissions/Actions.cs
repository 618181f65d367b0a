namespace Coffer.Server.Permissions;

/// <summary>
/// The action names services check. Subject-specific vocabularies (which action is valid on which subject)
/// live in <see cref="ProjectPermissionVocabulary"/>; these constants only spare callers from typing strings.
/// </summary>
public static class PermissionAction
{
    public const string Read = "read";
    public const string Create = "create";
    public const string Edit = "edit";
    public const string Delete = "delete";

    /// <summary>Legacy secrets action meaning "describe and read value"; kept because old roles still carry it.</summary>
    public const string DescribeAndReadValue = "read";
    public const string DescribeSecret = "describeSecret";
    public const string ReadValue = "readValue";

    public const string GrantPrivileges = "grant-privileges";
    public const string AssumePrivileges = "assume-privileges";
    public const string RevokeAuth = "revoke-auth";
    public const string CreateToken = "create-token";
    public const string GetToken = "get-token";
    public const string DeleteToken = "delete-token";

    public const string PerformRollback = "perform-rollback";
    public const string Lease = "lease";
    public const string ReadRootCredential = "read-root-credential";
    public const string CreateRootCredential = "create-root-credential";
    public const string EditRootCredential = "edit-root-credential";
    public const string DeleteRootCredential = "delete-root-credential";
}
