using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;

namespace GoldenPath.Catalog;

/// <summary>
/// The one name rule of the golden path: a lowercase RFC 1123 label of 2 to 63 characters
/// (<c>a-z</c>, <c>0-9</c> and <c>-</c>, starting and ending with a letter or digit). Such a name is valid
/// at once as a Kubernetes object name and label value, a Backstage entity name and a Score workload name.
/// </summary>
public static partial class ServiceName
{
    /// <summary>The fewest characters a name may have.</summary>
    public const int MinLength = 2;

    /// <summary>The most characters a name may have.</summary>
    public const int MaxLength = 63;

    /// <summary>Gets whether <paramref name="name"/> follows the rule.</summary>
    /// <param name="name">The name to check.</param>
    /// <returns><see langword="true"/> when the name is valid.</returns>
    public static bool IsValid([NotNullWhen(true)] string? name) => Validate(name) is null;

    /// <summary>Checks <paramref name="name"/> against the rule.</summary>
    /// <param name="name">The name to check.</param>
    /// <returns><see langword="null"/> when the name is valid; otherwise what is wrong with it, in a sentence
    /// that ends with a valid alternative where one can be derived.</returns>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "the name is empty; use a lowercase name of 2-63 characters such as 'orders-api'";
        }

        string? problem = null;
        if (name.Length < MinLength)
        {
            problem = $"'{name}' is shorter than {MinLength} characters";
        }
        else if (name.Length > MaxLength)
        {
            problem = $"'{Shorten(name)}' is {name.Length} characters long, more than {MaxLength}";
        }
        else if (!LabelPattern().IsMatch(name))
        {
            problem = $"'{name}' is not a lowercase RFC 1123 label ({DescribeFirstFault(name)})";
        }

        if (problem is null)
        {
            return null;
        }

        var suggestion = Suggest(name);
        return suggestion is null
            ? $"{problem}; use 2-63 characters from a-z, 0-9 and '-', starting and ending with a letter or digit"
            : $"{problem}; use e.g. '{suggestion}'";
    }

    /// <summary>
    /// Derives a valid name from <paramref name="name"/>: lower case, accents removed, runs of other
    /// characters turned into one '-', trimmed to 63 characters. Returns <see langword="null"/> when nothing
    /// valid can be derived (for example from a single character).
    /// </summary>
    /// <param name="name">The name to derive from.</param>
    /// <returns>A valid name, or <see langword="null"/>.</returns>
    public static string? Suggest(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var builder = new StringBuilder(name.Length);
        var pendingDash = false;
        foreach (var c in name.Normalize(NormalizationForm.FormD))
        {
            if (System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            var lower = char.ToLowerInvariant(c);
            if (lower is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
            {
                if (pendingDash && builder.Length > 0)
                {
                    builder.Append('-');
                }

                builder.Append(lower);
                pendingDash = false;
            }
            else
            {
                pendingDash = true;
            }
        }

        var candidate = builder.ToString();
        if (candidate.Length > MaxLength)
        {
            candidate = candidate[..MaxLength].TrimEnd('-');
        }

        return candidate.Length >= MinLength && LabelPattern().IsMatch(candidate) && candidate != name ? candidate : null;
    }

    private static string DescribeFirstFault(string name)
    {
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c is >= 'A' and <= 'Z')
            {
                return $"upper-case '{c}' at position {i + 1}";
            }

            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                return $"'{c}' at position {i + 1} is not one of a-z, 0-9 and '-'";
            }
        }

        return name[0] == '-' ? "it starts with '-'" : "it ends with '-'";
    }

    private static string Shorten(string name) => name.Length <= 20 ? name : name[..17] + "...";

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex LabelPattern();
}
