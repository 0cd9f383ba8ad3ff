#include "shared/validate.h"
