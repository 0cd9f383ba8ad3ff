#include "shared/facts.h"
