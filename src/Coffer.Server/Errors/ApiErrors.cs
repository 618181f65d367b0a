using System.Text.Json.Nodes;

namespace Coffer.Server.Errors;

/// <summary>
/// The one family of errors the API answers with. The exception handler turns each into Infisical's envelope
/// <c>{reqId, statusCode, message, error, details?}</c>; nothing else writes error bodies.
/// <see cref="Error"/> is Infisical's error <em>name</em>, which is what clients show.
/// </summary>
public abstract class ApiException(int statusCode, string error, string message, JsonNode? details = null)
    : Exception(message)
{
    public int StatusCode { get; } = statusCode;
    public string Error { get; } = error;
    public JsonNode? Details { get; } = details;
}

public sealed class BadRequestException(string message, string error = "BadRequest", JsonNode? details = null)
    : ApiException(400, error, message, details);

public sealed class UnauthorizedException(string message, string error = "UnauthorizedError")
    : ApiException(401, error, message);

/// <summary>A token that is malformed, badly signed, expired or revoked (decision 7: 401, not Infisical's 403).</summary>
public sealed class TokenException(string message) : ApiException(401, "TokenError", message);

public sealed class ForbiddenException(
    string message = "You are not allowed to access this resource", string error = "ForbiddenError", JsonNode? details = null)
    : ApiException(403, error, message, details);

/// <summary>A CASL-style permission check failed: <c>You are not allowed to {action} on {subject}</c>.</summary>
public sealed class PermissionDeniedException(string action, string subject, JsonNode? details = null)
    : ApiException(403, "PermissionDenied", $"You are not allowed to {action} on {subject}", details);

/// <summary>Granting a role or privilege the actor does not hold itself.</summary>
public sealed class PermissionBoundaryException(string message, JsonNode? details)
    : ApiException(403, "PermissionBoundaryError", message, details);

public sealed class NotFoundException(string message = "The requested entity is not found", string error = "NotFound")
    : ApiException(404, error, message);

/// <summary>A server Coffer had to ask for the caller (an identity provider's keys) failed or did not answer in time.</summary>
public sealed class BadGatewayException(string message) : ApiException(502, "BadGateway", message);

public sealed class ConflictException(string message, string error = "Conflict") : ApiException(409, error, message);

public sealed class PayloadTooLargeException(string message = "Request body is too large")
    : ApiException(413, "PayloadTooLarge", message);

public sealed class UnsupportedMediaTypeException(string message)
    : ApiException(415, "FST_ERR_CTP_INVALID_MEDIA_TYPE", message);

public sealed class RateLimitedException(int retryAfterSeconds)
    : ApiException(429, "RateLimitExceeded", $"Rate limit exceeded. Please try again in {retryAfterSeconds} seconds")
{
    public int RetryAfterSeconds { get; } = retryAfterSeconds;
}

/// <summary>A limit on concurrent use (open event streams) rather than on request rate: no Retry-After to give.</summary>
public sealed class TooManyRequestsException(string message) : ApiException(429, "RateLimitExceeded", message);

public sealed class DatabaseUnavailableException()
    : ApiException(503, "DatabaseUnavailable", "The database is unavailable. Please try again shortly.");

/// <summary>Input that fails validation: 422 ValidationFailure whose message is an array of zod-shaped issues.</summary>
public sealed class ValidationException(IReadOnlyList<ValidationIssue> issues)
    : ApiException(422, "ValidationFailure", issues.Count > 0 ? issues[0].Message : "Invalid input")
{
    public IReadOnlyList<ValidationIssue> Issues { get; } = issues;

    public ValidationException(ValidationIssue issue) : this([issue]) { }
}

/// <summary>One zod-shaped issue: <c>{code, expected?, received?, path, message}</c> plus any extra members zod adds.</summary>
public sealed record ValidationIssue(string Code, IReadOnlyList<object> Path, string Message)
{
    public string? Expected { get; init; }
    public string? Received { get; init; }
    /// <summary>Extra zod members such as <c>minimum</c>, <c>type</c>, <c>inclusive</c>, <c>options</c>, <c>validation</c>.</summary>
    public JsonObject? Extra { get; init; }
}

/// <summary>A start-up configuration problem; the message is shown to the operator as is.</summary>
public sealed class ConfigurationException(string message) : Exception(message);
