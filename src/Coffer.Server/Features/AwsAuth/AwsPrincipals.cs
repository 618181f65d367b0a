using System.Text.RegularExpressions;

namespace Coffer.Server.Features.AwsAuth;

/// <summary>Infisical's principal matching: an assumed role's session ARN counts as its role's ARN; <c>*</c> in an allowed ARN matches anything.</summary>
public static class AwsPrincipals
{
    /// <summary><c>arn:aws:sts::123:assumed-role/Role/session</c> becomes <c>arn:aws:iam::123:role/Role</c>; other ARNs stay as they are.</summary>
    public static string Principal(string arn)
    {
        var parts = arn.Split(':', 6);
        if (parts.Length == 6 && parts[2] == "sts" && parts[5].StartsWith("assumed-role/", StringComparison.Ordinal))
        {
            var role = parts[5].Split('/')[1];
            return $"{parts[0]}:{parts[1]}:iam::{parts[4]}:role/{role}";
        }
        return arn;
    }

    public static bool Allowed(string allowedList, string arn)
    {
        var principal = Principal(arn);
        return allowedList.Split(',').Select(a => a.Trim()).Where(a => a.Length > 0).Any(allowed =>
        {
            var pattern = "^" + string.Join(".*", allowed.Split('*').Select(Regex.Escape)) + "$";
            return Regex.IsMatch(principal, pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100))
                || Regex.IsMatch(arn, pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100));
        });
    }
}
