#include "shared/rules.h"
