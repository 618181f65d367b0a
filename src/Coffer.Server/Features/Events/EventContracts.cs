using System.Text.Json.Serialization;

namespace Coffer.Server.Features.Events;

/// <summary>The four project events a client can subscribe to, as Infisical names them.</summary>
public static class ProjectEventNames
{
    public const string SecretCreate = "secret:create";
    public const string SecretUpdate = "secret:update";
    public const string SecretDelete = "secret:delete";
    public const string ImportMutation = "secret:import-mutation";

    public static readonly string[] All = [SecretCreate, SecretUpdate, SecretDelete, ImportMutation];

    /// <summary>The <c>secret-events</c> action that allows subscribing to an event.</summary>
    public static string Action(string name) => name switch
    {
        SecretCreate => "subscribe-on-created",
        SecretUpdate => "subscribe-on-updated",
        SecretDelete => "subscribe-on-deleted",
        _ => "subscribe-on-import-mutations",
    };
}

/// <summary>
/// Something that happened to a project's secrets, after its transaction committed. Travels between server processes as
/// JSON (PostgreSQL notifications), so it carries names and ids only — never a value.
/// </summary>
public sealed record ProjectEvent(
    [property: JsonPropertyName("p")] string ProjectId,
    [property: JsonPropertyName("e")] string Name,
    [property: JsonPropertyName("env")] string Environment,
    [property: JsonPropertyName("path")] string SecretPath,
    [property: JsonPropertyName("key")] string? SecretKey,
    [property: JsonPropertyName("id")] string? SecretId,
    [property: JsonPropertyName("t")] string Time,
    [property: JsonPropertyName("tags")] IReadOnlyList<string>? SecretTags = null);

/// <summary>One <c>register</c> item of a subscription: an event, in an environment, under a path glob.</summary>
public sealed record EventRegistration(string Name, string? Environment, string? SecretPath);

[JsonSerializable(typeof(List<ProjectEvent>))]
internal sealed partial class ProjectEventJson : JsonSerializerContext;
