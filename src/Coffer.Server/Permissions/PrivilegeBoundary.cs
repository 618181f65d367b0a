using System.Text.Json.Nodes;

namespace Coffer.Server.Permissions;

/// <summary>One entry of a privilege-boundary error's <c>details.missingPermissions</c>.</summary>
public sealed record MissingPermissionEntry(string Action, string Subject, RuleConditions? Conditions = null)
{
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["action"] = Action, ["subject"] = Subject };
        if (Conditions is not null)
            json["conditions"] = Conditions.ToJson();
        return json;
    }
}

/// <summary>
/// Whether an actor may hand out a role or privilege (Infisical's <c>validatePrivilegeChangeOperation</c> and the
/// messages of <c>constructPermissionErrorMessage</c>). Callers pass the operation's message prefix, e.g.
/// "Failed to create identity project membership" or "Failed to update identity project membership".
/// </summary>
public static class PrivilegeBoundary
{
    /// <summary>
    /// Runs the check the organization is configured for — the current system (the actor needs <c>grant-privileges</c>
    /// on <paramref name="subject"/>) or the legacy one — and then, in both, the boundary: the actor must hold
    /// everything <paramref name="target"/> grants.
    /// </summary>
    public static void Require(
        bool useNewPrivilegeSystem, PermissionSet actor, string subject, PermissionSet target, string operationMessagePrefix)
    {
        // The current system asks for grant-privileges first (Infisical's check, with its message); in both, the actor
        // must also hold everything it grants, so grant-privileges alone never hands out more than its holder has.
        if (useNewPrivilegeSystem)
            RequireCanGrant(actor, subject, operationMessagePrefix);
        RequireSuperset(actor, target, operationMessagePrefix);
    }

    /// <summary>
    /// The current system: 403 <c>PermissionBoundaryError</c> "&lt;prefix&gt;. Actor is missing permission grant-privileges on
    /// &lt;subject&gt;" unless the actor can <c>grant-privileges</c> on the subject type (a conditional grant counts, as in CASL).
    /// </summary>
    public static void RequireCanGrant(PermissionSet actor, string subject, string operationMessagePrefix)
    {
        if (actor.Can(PermissionAction.GrantPrivileges, subject))
            return;
        throw Boundary(
            $"{operationMessagePrefix}. Actor is missing permission {PermissionAction.GrantPrivileges} on {subject}",
            [new MissingPermissionEntry(PermissionAction.GrantPrivileges, subject)]);
    }

    /// <summary>
    /// The legacy system, for organizations that predate the grant-privileges flag: 403 "&lt;prefix&gt;. Actor privilege level
    /// is not high enough to perform this action" listing what <paramref name="target"/> grants beyond the actor.
    /// </summary>
    public static void RequireSuperset(PermissionSet actor, PermissionSet target, string operationMessagePrefix)
    {
        var missing = FindMissing(actor, target);
        if (missing.Count > 0)
            throw Boundary($"{operationMessagePrefix}. Actor privilege level is not high enough to perform this action", missing);
    }

    /// <summary>What <paramref name="target"/> grants that <paramref name="actor"/> does not (Infisical's <c>validatePermissionBoundary</c>).</summary>
    public static IReadOnlyList<MissingPermissionEntry> FindMissing(PermissionSet actor, PermissionSet target) =>
        PermissionBoundaryCheck.FindMissing(actor, target);

    private static PermissionBoundaryException Boundary(string message, IEnumerable<MissingPermissionEntry> missing)
    {
        var list = new JsonArray();
        foreach (var entry in missing)
            list.Add(entry.ToJson());
        return new PermissionBoundaryException(message, new JsonObject { ["missingPermissions"] = list });
    }
}
