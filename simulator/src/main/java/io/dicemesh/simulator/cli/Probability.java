package io.dicemesh.simulator.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses a probability in [0, 1). */
final class Probability implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
        try {
            double p = Double.parseDouble(value.trim());
            if (p >= 0 && p < 1) {
                return p;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new TypeConversionException("'" + value + "' is not a probability in [0, 1)");
    }
}
