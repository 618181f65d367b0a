namespace Coffer.Server.Http;

/// <summary>Infisical's <c>{message}</c> answer for actions that return nothing else.</summary>
public sealed record MessageResponse(string Message);
