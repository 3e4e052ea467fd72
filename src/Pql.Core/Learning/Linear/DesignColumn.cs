namespace Pql.Core.Learning.Linear;

/// <summary>
/// One standardised input of the logistic model. Numeric: z = ((NaN ? Fill : x) − Mean) / Scale, Fill = training
/// median. Categorical level (Level ≥ 0): z = ((x == Level ? 1 : 0) − Mean) / Scale, i.e. one-hot of the 64 most
/// frequent training levels (missing and rarer levels are all-zero). Scale is the training standard deviation
/// (1 for a constant column).
/// </summary>
internal sealed record DesignColumn(int Feature, int Level, double Fill, double Mean, double Scale)
{
    public double Z(float x)
    {
        double v;
        if (Level >= 0)
            v = x == Level ? 1 : 0;
        else
            v = float.IsNaN(x) ? Fill : x;
        return (v - Mean) / Scale;
    }
}
