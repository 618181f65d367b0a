using System.Globalization;
using System.Text;

namespace Coffer.Cli.Output;

/// <summary>Plain box-drawing tables, the way Infisical's CLI prints secrets and folders.</summary>
internal static class Table
{
    public static string Render(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.Select(r => r.Select(Flatten).ToArray()).ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => r[i].Length))).ToArray();

        var sb = new StringBuilder();
        Line(sb, widths, '┌', '┬', '┐');
        Row(sb, widths, headers);
        Line(sb, widths, '├', '┼', '┤');
        foreach (var row in all)
        {
            Row(sb, widths, row);
        }

        Line(sb, widths, '└', '┴', '┘');
        return sb.ToString();
    }

    // A value with line breaks would tear the table apart; show the breaks as escapes instead.
    static string Flatten(string value) => value.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    static void Line(StringBuilder sb, int[] widths, char left, char mid, char right)
    {
        sb.Append(left);
        for (var i = 0; i < widths.Length; i++)
        {
            sb.Append('─', widths[i] + 2).Append(i == widths.Length - 1 ? right : mid);
        }

        sb.Append('\n');
    }

    static void Row(StringBuilder sb, int[] widths, IReadOnlyList<string> cells)
    {
        sb.Append('│');
        for (var i = 0; i < widths.Length; i++)
        {
            sb.Append(' ').Append(cells[i].PadRight(widths[i])).Append(CultureInfo.InvariantCulture, $" │");
        }

        sb.Append('\n');
    }
}
