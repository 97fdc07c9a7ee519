namespace GoldenPath.Cli.Upgrade;

/// <summary>What an upgrade does to one file.</summary>
internal enum FileOutcome
{
    /// <summary>The team never changed it: it takes the new version.</summary>
    Updated,

    /// <summary>Both changed it, on different lines: merged.</summary>
    Merged,

    /// <summary>Both changed the same lines: written with conflict markers, for the team to resolve.</summary>
    Conflict,

    /// <summary>New in the template: added.</summary>
    Added,

    /// <summary>The template removed it and the team never changed it: removed.</summary>
    Removed,

    /// <summary>The template changed or removed it, but the team's version stays (changed by the team, or deleted by the team).</summary>
    Kept,
}

/// <summary>One file's outcome: the new text (null: delete it, or leave it as it is for <see cref="FileOutcome.Kept"/>), and why.</summary>
internal sealed record FileChange(string Path, FileOutcome Outcome, string? NewText, int Conflicts, string Reason);
