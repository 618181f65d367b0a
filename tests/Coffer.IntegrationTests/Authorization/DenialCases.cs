namespace Coffer.IntegrationTests.Authorization;

/// <summary>The callers of the scope matrix (the token matrix covers missing, garbage, expired, revoked and orphaned tokens).</summary>
public enum Caller
{
    /// <summary>An admin identity of another organization.</summary>
    OtherOrg,

    /// <summary>
    /// A member whose only role is <c>no-access</c>: in the project (organization role <c>member</c>) on project routes,
    /// in the organization on organization routes.
    /// </summary>
    NoAccess,

    /// <summary>A project <c>viewer</c> (organization <c>member</c>), on write routes.</summary>
    Viewer,
}

/// <summary>What a route answers one caller.</summary>
public abstract record Outcome;

/// <summary>The exact error envelope the caller gets.</summary>
public sealed record Denied(int Status, string Error, string Message) : Outcome;

/// <summary>
/// No denial for this caller, and why. <paramref name="Probe"/>: the request changes nothing, so the matrix sends it
/// and expects 200 (a route that starts refusing must have its entry updated).
/// </summary>
public sealed record NotDenied(string Reason, bool Probe) : Outcome;

/// <summary>One route of the routing table, a request that is valid for it, and what each caller gets.</summary>
/// <param name="OrgScoped">The route is about the organization (identities, their auth methods, creating and listing
/// projects): the organization role decides, so the no-access caller there is the organization's no-access identity.</param>
/// <param name="RefusedToAll">A route Coffer keeps only to refuse it (service tokens): the admin control expects this
/// refusal instead of 200.</param>
public sealed record RouteCase(string Method, string Pattern, string Path, object? Body, bool Public, bool OrgScoped,
    IReadOnlyDictionary<Caller, Outcome> Outcomes, Denied? RefusedToAll = null)
{
    public string Key => DenialKeys.Of(Method, Pattern);

    public override string ToString() => Key;
}

public static class DenialKeys
{
    /// <summary>"METHOD /pattern" with the leading slash and without a trailing one, as both the table and the routing table are compared.</summary>
    public static string Of(string method, string pattern) => $"{method} /{pattern.Trim('/')}";
}

/// <summary>The denials the services raise, with their exact texts.</summary>
public static class Deny
{
    public static readonly Denied ForeignProject = new(403, "ForbiddenError", "This project does not belong to your selected organization.");

    /// <summary>A failed CASL check: 403 <c>PermissionDenied</c> "You are not allowed to {action} on {subject}".</summary>
    public static Denied Permission(string action, string subject) =>
        new(403, "PermissionDenied", $"You are not allowed to {action} on {subject}");

    public static Denied NotFound(string message) => new(404, "NotFound", message);

    public static Denied Forbidden(string message, string error = "ForbiddenError") => new(403, error, message);

    /// <summary>An organization-scoped route asked about an organization that is not the token's.</summary>
    public static Denied OrgScope(DenialWorld w) =>
        Forbidden($"Your token is scoped to organization with ID {w.OtherOrgId}, but this resource belongs to a different organization.");

    public static NotDenied Allowed(string reason) => new(reason, Probe: false);
}
