namespace Coffer.Server.Crypto;

/// <summary>
/// The <c>message</c> texts of Infisical's <c>TokenError</c> answers. Infisical verifies with the jsonwebtoken library
/// and its error handler (<c>backend/src/server/plugins/error-handler.ts</c>) rewrites three of that library's texts
/// ("jwt expired", "jwt malformed", "invalid algorithm") and passes the others through unchanged.
/// </summary>
public static class JwtErrors
{
    /// <summary>jsonwebtoken's text for an empty token (header <c>Bearer </c> with nothing after it), passed through.</summary>
    public const string Missing = "jwt must be provided";

    /// <summary>Infisical's rewrite of jsonwebtoken's "jwt malformed": the token is not three dot-separated parts.</summary>
    public const string Malformed =
        "The provided access token is malformed. Please use a valid token or generate a new one and try again.";

    /// <summary>
    /// jsonwebtoken's text, passed through, when the token has three parts but its header is not base64url JSON
    /// (e.g. <c>a.b.c</c>).
    /// </summary>
    public const string InvalidToken = "invalid token";

    /// <summary>Infisical's rewrite of jsonwebtoken's "invalid algorithm": anything but HS256, <c>none</c> included.</summary>
    public const string InvalidAlgorithm =
        "The access token is signed with an invalid algorithm. Please provide a valid token and try again.";

    /// <summary>jsonwebtoken's text, passed through, for an HS256 token whose signature part is empty.</summary>
    public const string SignatureRequired = "jwt signature is required";

    /// <summary>jsonwebtoken's text, passed through, for a signature that does not verify.</summary>
    public const string InvalidSignature = "invalid signature";

    /// <summary>Infisical's rewrite of jsonwebtoken's "jwt expired".</summary>
    public const string Expired = "Your token has expired. Please re-authenticate.";

    /// <summary>jsonwebtoken's text, passed through, for an <c>exp</c> claim that is not a number.</summary>
    public const string InvalidExp = "invalid exp value";

    /// <summary>jsonwebtoken's text, passed through, for an <c>nbf</c> claim that is not a number.</summary>
    public const string InvalidNbf = "invalid nbf value";

    /// <summary>jsonwebtoken's text, passed through, for a token used before its <c>nbf</c>.</summary>
    public const string NotActive = "jwt not active";
}
