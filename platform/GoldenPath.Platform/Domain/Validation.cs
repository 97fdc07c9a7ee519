using System.Text.RegularExpressions;
using GoldenPath.Catalog;

namespace GoldenPath.Platform.Domain;

/// <summary>Collects field errors for a request; every message says what is wrong and what is expected.</summary>
internal sealed partial class Validation
{
    public static readonly string[] Lifecycles = ["experimental", "production", "deprecated"];

    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    public bool IsValid => Errors.Count == 0;

    public void Add(string field, string message) =>
        Errors[field] = Errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

    public void Name(string field, string? value)
    {
        if (ServiceName.Validate(value) is { } problem)
        {
            Add(field, problem);
        }
    }

    public void Required(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, $"'{field}' is required");
        }
        else
        {
            Length(field, value, maxLength);
        }
    }

    public void Length(string field, string? value, int maxLength)
    {
        if (value is not null && value.Length > maxLength)
        {
            Add(field, $"'{field}' has {value.Length} characters, more than {maxLength}");
        }
    }

    public void OneOf(string field, string? value, IReadOnlyCollection<string> allowed, bool required = true)
    {
        if (value is null && !required)
        {
            return;
        }

        if (value is null || !allowed.Contains(value))
        {
            Add(field, $"'{value}' is not one of {string.Join(", ", allowed)}");
        }
    }

    public void Identifier(string field, string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 128 || !IdentifierPattern().IsMatch(value))
        {
            Add(field, $"'{value}' is not a valid id: 1-128 characters from A-Z, a-z, 0-9, '.', '_', ':' and '-'");
        }
    }

    public void AbsoluteUrl(string field, string? value, bool required = false)
    {
        if (value is null)
        {
            if (required)
            {
                Add(field, $"'{field}' is required");
            }

            return;
        }

        if (value.Length > 2048 || !Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            Add(field, $"'{Shorten(value)}' is not an absolute http(s) URL");
        }
    }

    public void Count<T>(string field, IReadOnlyCollection<T>? values, int max)
    {
        if (values is not null && values.Count > max)
        {
            Add(field, $"'{field}' has {values.Count} entries, more than {max}");
        }
    }

    public void NotInFuture(string field, DateTimeOffset value, DateTimeOffset now)
    {
        if (value > now + TimeSpan.FromMinutes(5))
        {
            Add(field, $"{value:O} is in the future (the platform's time is {now:O})");
        }
    }

    private static string Shorten(string value) => value.Length <= 60 ? value : value[..57] + "...";

    [GeneratedRegex("^[A-Za-z0-9._:-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierPattern();
}
