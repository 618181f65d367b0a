namespace Coffer.Server.Http;

/// <summary>A field a PATCH body may leave out (<c>default</c>: keep the current value), send as null, or set.</summary>
public readonly record struct FieldUpdate<T>(bool IsSet, T Value)
{
    public T Or(T current) => IsSet ? Value : current;
}

public static class FieldUpdate
{
    public static FieldUpdate<T> Of<T>(T value) => new(true, value);
}
