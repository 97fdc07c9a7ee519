using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace GoldenPath.Platform.Portal;

/// <summary>One series of a chart: a name for the legend and a value per category (null: no data there).</summary>
internal sealed record ChartSeries(string Name, IReadOnlyList<double?> Values);

/// <summary>
/// Server-rendered SVG charts with a title, labelled axes with ticks and units, and a legend: bar charts for counts and
/// distributions, line charts for rates and times over weeks. Every text is HTML-encoded; the SVG carries an
/// accessible name and a table of the same figures follows each chart on the page.
/// </summary>
internal static class SvgChart
{
    private const int Width = 640;
    private const int Height = 260;
    private const int Left = 64;
    private const int Right = 16;
    private const int Top = 36;
    private const int Bottom = 56;
    private static readonly string[] Colors = ["#1f5f99", "#b3541e", "#2e7d32", "#6a1b9a"];

    /// <summary>A bar chart of counts: its y axis ticks at whole numbers.</summary>
    public static string Bars(string title, string yAxis, IReadOnlyList<string> categories, IReadOnlyList<ChartSeries> series) =>
        Render(title, yAxis, categories, series, bars: true);

    public static string Lines(string title, string yAxis, IReadOnlyList<string> categories, IReadOnlyList<ChartSeries> series) =>
        Render(title, yAxis, categories, series, bars: false);

    private static string Render(string title, string yAxis, IReadOnlyList<string> categories, IReadOnlyList<ChartSeries> series, bool bars)
    {
        var encode = HtmlEncoder.Default;
        var max = series.SelectMany(s => s.Values).Where(v => v.HasValue).Select(v => v!.Value).DefaultIfEmpty(0).Max();
        var (top, step) = NiceScale(max);
        if (bars && step < 1)
        {
            (top, step) = (Math.Max(1, Math.Ceiling(top)), 1);
        }

        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        double Y(double value) => Top + plotHeight - (value / top * plotHeight);
        var band = categories.Count == 0 ? plotWidth : (double)plotWidth / categories.Count;

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{encode.Encode(title)}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{encode.Encode(title)}</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"18\" class=\"chart-title\">{encode.Encode(title)}</text>");

        // Y axis: gridlines and tick labels at round values, and the unit.
        for (var tick = 0.0; tick <= top + (step / 2); tick += step)
        {
            var y = Y(tick);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" class=\"grid\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\" class=\"tick\">{Format(tick)}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(14 {Top + (plotHeight / 2)}) rotate(-90)\" text-anchor=\"middle\" class=\"axis-label\">{encode.Encode(yAxis)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Top + plotHeight}\" class=\"axis\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Top + plotHeight}\" y2=\"{Top + plotHeight}\" class=\"axis\"/>");

        // X axis: a label per category, thinned so that they do not overlap.
        var every = Math.Max(1, (int)Math.Ceiling(categories.Count / 8.0));
        for (var i = 0; i < categories.Count; i += every)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + (band * (i + 0.5)):0.#}\" y=\"{Top + plotHeight + 16}\" text-anchor=\"middle\" class=\"tick\">{encode.Encode(categories[i])}</text>");
        }

        for (var s = 0; s < series.Count; s++)
        {
            var color = Colors[s % Colors.Length];
            var values = series[s].Values;
            if (bars)
            {
                var width = band * 0.8 / series.Count;
                for (var i = 0; i < values.Count && i < categories.Count; i++)
                {
                    if (values[i] is not { } value)
                    {
                        continue;
                    }

                    var x = Left + (band * i) + (band * 0.1) + (width * s);
                    svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:0.#}\" y=\"{Y(value):0.#}\" width=\"{width:0.#}\" height=\"{Top + plotHeight - Y(value):0.#}\" fill=\"{color}\"><title>{encode.Encode(categories[i])}: {Format(value)}</title></rect>");
                }
            }
            else
            {
                var points = values.Select((v, i) => (v, i)).Where(p => p.v.HasValue && p.i < categories.Count)
                    .Select(p => (X: Left + (band * (p.i + 0.5)), Y: Y(p.v!.Value), Label: $"{categories[p.i]}: {Format(p.v!.Value)}")).ToList();
                if (points.Count > 1)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{string.Join(' ', points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.X:0.#},{p.Y:0.#}")))}\"/>");
                }

                foreach (var point in points)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{point.X:0.#}\" cy=\"{point.Y:0.#}\" r=\"3.5\" fill=\"{color}\"><title>{encode.Encode(point.Label)}</title></circle>");
                }
            }

            // Legend, under the x axis labels.
            var legendX = Left + (s * 180);
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{legendX}\" y=\"{Height - 18}\" width=\"12\" height=\"12\" fill=\"{color}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{legendX + 16}\" y=\"{Height - 8}\" class=\"legend\">{encode.Encode(series[s].Name)}</text>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>A round top for the y axis and the step between its ticks (1, 2 or 5 times a power of ten, about five ticks).</summary>
    internal static (double Top, double Step) NiceScale(double max)
    {
        if (max <= 0)
        {
            return (1, 0.25);
        }

        var rough = max / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = new[] { 1, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= rough);
        return (Math.Ceiling(max / step) * step, step);
    }

    public static string Format(double value) => value.ToString(Math.Abs(value) >= 100 ? "0" : "0.##", CultureInfo.InvariantCulture);
}
