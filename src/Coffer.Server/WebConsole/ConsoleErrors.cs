namespace Coffer.Server.WebConsole;

/// <summary>A service's error in the words a person reads next to the form.</summary>
public static class ConsoleErrors
{
    /// <param name="labels">The form's labels for the API's field names, so a message names the field the person sees.</param>
    public static string Describe(ApiException error, IReadOnlyDictionary<string, string>? labels = null) => error switch
    {
        ValidationException v when v.Issues.Count > 0 => string.Join("; ", v.Issues.Select(i =>
            i.Path.Count == 0 ? i.Message : $"{Field(i.Path, labels)}: {i.Message}")),
        _ => error.Message,
    };

    private static string Field(IReadOnlyList<object> path, IReadOnlyDictionary<string, string>? labels) =>
        labels is not null && path[0] is string name && labels.TryGetValue(name, out var label)
            ? path.Count == 1 ? label : $"{label} (entry {(path[1] is int or long ? Convert.ToInt64(path[1], System.Globalization.CultureInfo.InvariantCulture) + 1 : path[1])})"
            : string.Join('.', path);
}
