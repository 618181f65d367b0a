using System.Text.Json;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Http;

/// <summary>
/// Turns every exception into the envelope. Expected errors (<see cref="ApiException"/>) are answered quietly;
/// anything else is a fault: logged with the request id, answered with a 500 that says nothing about the inside.
/// </summary>
public sealed partial class ErrorMiddleware(RequestDelegate next, ILogger<ErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            if (ex is OperationCanceledException && context.RequestAborted.IsCancellationRequested) return;
            var error = Translate(ex);
            if (error is null)
            {
                LogFault(ex, RequestId.Of(context), context.Request.Method, context.Request.Path);
                error = new InternalServerException();
            }
            if (error.StatusCode == StatusCodes.Status403Forbidden) Diagnostics.CofferMetrics.PermissionDenials.Add(1);
            context.Response.Clear();
            await ErrorEnvelope.WriteAsync(context, error);
        }
    }

    /// <summary>Client mistakes the framework reports as exceptions become 4xx envelopes, never 500 (decision 6).</summary>
    private static ApiException? Translate(Exception ex) => ex switch
    {
        ApiException api => api,
        BadHttpRequestException { StatusCode: 413 } => new PayloadTooLargeException(),
        BadHttpRequestException bad => new BadRequestException(bad.StatusCode == 400 ? "The request is invalid" : bad.Message),
        JsonException => new BadRequestException("Body is not valid JSON but content-type is set to 'application/json'"),
        // PostgreSQL refuses some text SQLite takes (a NUL character, above all): the client sent it, so it is a 400.
        _ when Data.PostgresEngine.Owns(ex) && Data.PostgresEngine.IsRefusedText(ex) => new BadRequestException(JsonBody.NulMessage),
        Microsoft.AspNetCore.Connections.ConnectionResetException => null,
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled fault in {ReqId} {Method} {Path}")]
    private partial void LogFault(Exception ex, string reqId, string method, string path);
}

/// <summary>The only 500 clients ever see.</summary>
public sealed class InternalServerException() : ApiException(500, "InternalServerError", "Something went wrong");
