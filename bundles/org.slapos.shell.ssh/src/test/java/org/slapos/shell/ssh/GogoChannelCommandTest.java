package org.slapos.shell.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.InvocationTargetException;
import org.junit.jupiter.api.Test;
import org.slapos.command.api.CommandFailure;

class GogoChannelCommandTest {
  @Test
  void aCommandFailureAnywhereInTheCausesGivesItsCodeAndMessage() {
    CommandFailure failure = new CommandFailure(7, "no such partition\ndetails");
    Exception wrapped = new InvocationTargetException(new RuntimeException("wrapper", failure));
    assertEquals(7, GogoChannelCommand.exitCode(wrapped));
    assertEquals("no such partition", GogoChannelCommand.oneLine(wrapped));
  }

  @Test
  void otherExceptionsGiveOneAndTheirTypeWithTheFirstLine() {
    assertEquals(1, GogoChannelCommand.exitCode(new IllegalArgumentException("bad\nworse")));
    assertEquals("IllegalArgumentException: bad", GogoChannelCommand.oneLine(new IllegalArgumentException("bad\nworse")));
    assertEquals("java.lang.NullPointerException", GogoChannelCommand.oneLine(new NullPointerException()));
    assertEquals(1, GogoChannelCommand.exitCode(new CommandFailure(0, "zero is not a failure code")));
  }
}
