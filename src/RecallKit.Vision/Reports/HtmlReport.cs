using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace RecallKit.Vision.Reports;

/// <summary>
/// Turns the report's Markdown into one self-contained HTML page: headings, paragraphs, tables (numeric columns right-aligned
/// as the Markdown asks), bold, italics and code, and every figure embedded as a <c>data:image/png;base64</c> URI, so the
/// page can be mailed or archived without its <c>figures/</c> directory. Only the Markdown subset the report writes is handled.
/// </summary>
public static partial class HtmlReport
{
    /// <summary>The page for <paramref name="markdown"/>; image paths are resolved against <paramref name="baseDirectory"/>.</summary>
    /// <exception cref="FileNotFoundException">A figure the Markdown names does not exist.</exception>
    public static string FromMarkdown(string markdown, string baseDirectory, string title)
    {
        var body = new StringBuilder();
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        var paragraph = new List<string>();
        void FlushParagraph()
        {
            if (paragraph.Count > 0) body.Append("<p>").Append(string.Join(" ", paragraph.Select(Inline))).AppendLine("</p>");
            paragraph.Clear();
        }
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0) { FlushParagraph(); continue; }
            if (Heading().Match(line) is { Success: true } heading)
            {
                FlushParagraph();
                int level = heading.Groups[1].Length;
                body.AppendLine($"<h{level}>{Inline(heading.Groups[2].Value)}</h{level}>");
            }
            else if (ImageLine().Match(line) is { Success: true } image)
            {
                FlushParagraph();
                body.AppendLine($"<figure><img alt=\"{WebUtility.HtmlEncode(image.Groups[1].Value)}\" src=\"{DataUri(Path.Combine(baseDirectory, image.Groups[2].Value))}\"></figure>");
            }
            else if (line.StartsWith('|'))
            {
                FlushParagraph();
                var table = new List<string>();
                while (i < lines.Length && lines[i].StartsWith('|')) table.Add(lines[i++]);
                i--;
                AppendTable(body, table);
            }
            else paragraph.Add(line);
        }
        FlushParagraph();
        return $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>{WebUtility.HtmlEncode(title)}</title>
            <style>
            body {"{"} font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #1a1a1a; background: #fff; {"}"}
            table {"{"} border-collapse: collapse; margin: 1em 0; {"}"}
            th, td {"{"} border: 1px solid #bbb; padding: 0.3em 0.6em; {"}"}
            th {"{"} background: #eef2f7; {"}"}
            td.num, th.num {"{"} text-align: right; font-variant-numeric: tabular-nums; {"}"}
            figure {"{"} margin: 1em 0; {"}"}
            img {"{"} max-width: 100%; height: auto; {"}"}
            code {"{"} background: #f3f3f3; padding: 0 0.2em; {"}"}
            </style>
            </head>
            <body>
            {body}</body>
            </html>

            """;
    }

    /// <summary>A file as a <c>data:image/png;base64,…</c> URI; anything but a PNG is an error naming the file.</summary>
    public static string DataUri(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"the report names figure {path}, which does not exist.", path);
        var bytes = File.ReadAllBytes(path);
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if (!bytes.AsSpan().StartsWith(signature)) throw new InvalidDataException($"figure {path} is not a PNG file.");
        return "data:image/png;base64," + Convert.ToBase64String(bytes);
    }

    private static void AppendTable(StringBuilder html, IReadOnlyList<string> rows)
    {
        static string[] Cells(string row) => row.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
        var header = Cells(rows[0]);
        bool hasAlignment = rows.Count > 1 && Cells(rows[1]).All(c => AlignmentCell().IsMatch(c));
        var numeric = hasAlignment ? Cells(rows[1]).Select(c => c.EndsWith(':')).ToArray() : new bool[header.Length];
        string Class(int column) => column < numeric.Length && numeric[column] ? " class=\"num\"" : "";
        html.AppendLine("<table>");
        html.Append("<thead><tr>").Append(string.Concat(header.Select((c, j) => $"<th{Class(j)}>{Inline(c)}</th>"))).AppendLine("</tr></thead>");
        html.AppendLine("<tbody>");
        foreach (var row in rows.Skip(hasAlignment ? 2 : 1))
            html.Append("<tr>").Append(string.Concat(Cells(row).Select((c, j) => $"<td{Class(j)}>{Inline(c)}</td>"))).AppendLine("</tr>");
        html.AppendLine("</tbody></table>");
    }

    /// <summary>Escapes the text, then renders <c>`code`</c>, <c>**bold**</c> and <c>*italics*</c>.</summary>
    private static string Inline(string text)
    {
        var escaped = WebUtility.HtmlEncode(text);
        escaped = Code().Replace(escaped, "<code>$1</code>");
        escaped = Bold().Replace(escaped, "<strong>$1</strong>");
        return Italics().Replace(escaped, "<em>$1</em>");
    }

    [GeneratedRegex(@"^(#{1,6})\s+(.*)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^!\[([^\]]*)\]\(([^)]+)\)\s*$")]
    private static partial Regex ImageLine();

    [GeneratedRegex(@"^:?-{3,}:?$")]
    private static partial Regex AlignmentCell();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex Code();

    [GeneratedRegex(@"\*\*([^*]+)\*\*")]
    private static partial Regex Bold();

    [GeneratedRegex(@"(?<![*\w])\*([^*\s][^*]*)\*(?![*\w])")]
    private static partial Regex Italics();
}
