package io.dicemesh.simulator.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A delay range written MIN..MAX in milliseconds. */
record DelayRange(long minMs, long maxMs) {
    static final class Converter implements ITypeConverter<DelayRange> {
        @Override
        public DelayRange convert(String value) {
            String[] parts = value.split("\\.\\.", -1);
            try {
                if (parts.length == 2) {
                    return new DelayRange(Long.parseLong(parts[0].trim()), Long.parseLong(parts[1].trim()));
                }
                if (parts.length == 1) {
                    long v = Long.parseLong(parts[0].trim());
                    return new DelayRange(v, v);
                }
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
            throw new TypeConversionException("'" + value + "' is not a delay range MIN..MAX in ms (e.g. 1..20)");
        }
    }
}
