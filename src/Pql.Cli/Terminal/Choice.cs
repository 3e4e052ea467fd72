namespace Pql.Cli.Terminal;

/// <summary>One option of a <see cref="ChoiceMenu"/>: a short label and the text that describes it.</summary>
internal sealed record Choice(string Label, string Detail);
