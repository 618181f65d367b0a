using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Authorization.FineGrained;

/// <summary>One HTTP form of an operation (v3 or v4, single or batch, one route prefix or the other).</summary>
public sealed record ScopedRequest(string Form, string Method, string Path, object? Body);

/// <summary>
/// Something a caller does to a project's secrets, in each of the forms Coffer serves it. <see cref="Allowed"/> says
/// whether an actor may, from the secrets the operation touches (directly or not); <see cref="Verify"/> checks, as the
/// admin, that an allowed call did exactly what it should.
/// </summary>
public sealed record ScopedOperation(
    string Name,
    bool Mutates,
    Func<ScopedWorld, IReadOnlyList<ScopedRequest>> Requests,
    Func<ScopedActor, ScopedWorld, bool> Allowed,
    Func<ScopedWorld, ApiResponse, Task> Verify)
{
    /// <summary>For a list: the secrets (address → value) the actor must get, no more and no fewer.</summary>
    public Func<ScopedActor, ScopedWorld, Dictionary<string, string>>? ExpectedList { get; init; }

    /// <summary>For a list with imports: the imported secrets (address in the source → value) the actor must get.</summary>
    public Func<ScopedActor, ScopedWorld, Dictionary<string, string>>? ExpectedImports { get; init; }

    /// <summary>Where the response lists import groups: <c>imports</c> in a secrets list, <c>secrets</c> in the imports' own route.</summary>
    public string ImportGroupsKey { get; init; } = "imports";

    /// <summary>Allowed iff every touched secret is in the actor's scope.</summary>
    public static Func<ScopedActor, ScopedWorld, bool> Touching(Func<ScopedWorld, IEnumerable<SecretIdentity>> touched) =>
        (actor, world) => touched(world).All(actor.InScope);
}
