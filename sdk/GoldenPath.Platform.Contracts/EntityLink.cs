namespace GoldenPath.Catalog;

/// <summary>
/// A link of a service: a Backstage entity's <c>metadata.links</c> item and the platform API's <c>links</c> item, one
/// shape for both.
/// </summary>
/// <param name="Url">The address.</param>
/// <param name="Title">The text shown.</param>
/// <param name="Icon">An icon key (e.g. <c>dashboard</c>, <c>docs</c>).</param>
/// <param name="Type">A machine-readable type (e.g. <c>runbook</c>).</param>
public sealed record EntityLink(string Url, string? Title = null, string? Icon = null, string? Type = null);
